"""Emitting outbound events (invariant 10).

`emit()` inserts the event in the caller's transaction: if the change rolls back,
so does the event. Delivery (webhooks, the polling feed) reads the table later.
"""

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.expressions import RawSQL

from core.models import OutboxEvent, User

_EVENT_TYPES: set[str] = set()


def register_event_types(types: Iterable[str]) -> None:
    """An app names the event types it emits (from its registry), so that a webhook can only
    subscribe to a type that exists."""
    _EVENT_TYPES.update(types)


def event_types() -> frozenset[str]:
    """Every event type an app emits."""
    return frozenset(_EVENT_TYPES)


def emit(type: str, *, subject: str, data: dict[str, Any], actor: User | None = None) -> OutboxEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.emit() must run inside the transaction of the change it describes")
    connection = transaction.get_connection()
    event = OutboxEvent.objects.create(
        type=type,
        subject=subject,
        data=data,
        actor_label=actor.username if actor is not None else "",
        xact_id=RawSQL("pg_current_xact_id()::text::bigint", [])
        if connection.vendor == "postgresql"
        else None,
    )
    _relay_after_commit()
    return event


RELAY_PENDING = "threadline:outbox:relay-pending"
RELAY_PENDING_SECONDS = 60  # a wake-up lost with a dead worker is retried after this (the sweep also runs)
RELAY_BATCH_SECONDS = 1  # events committed within this window go out in one relay pass


def _relay_after_commit() -> None:
    """With real workers, wake the relay once the change is committed: at most one wake-up per
    transaction, and none while one is already queued and not yet started (it will see this event:
    the relay clears the flag before it reads). The wake-up runs RELAY_BATCH_SECONDS later, so a
    busy line's writes go out in one pass a second instead of one task per write (measured: the
    worker took a quarter of the 2-core machine at 50 tablets). A periodic sweep catches the rest.

    In the embedded mode (eager Celery) delivery is left to `manage.py relay_outbox`, so a
    slow receiver never slows down a screen.
    """
    from celery import current_app as app

    from core.tasks import relay_outbox

    if app.conf.task_always_eager:
        return
    connection = transaction.get_connection()
    # One wake-up per transaction, however many events it writes (a completing sign-off writes four).
    if any(
        getattr(callback, "wakes_relay", False) for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return

    def wake() -> None:
        if cache.add(RELAY_PENDING, 1, timeout=RELAY_PENDING_SECONDS):
            try:
                relay_outbox.apply_async(countdown=RELAY_BATCH_SECONDS)
            except Exception:
                cache.delete(RELAY_PENDING)  # not queued: the next commit tries again
                raise

    wake.wakes_relay = True  # type: ignore[attr-defined]
    # Robust: the change is committed whatever happens here. A broker or cache that cannot be
    # reached is logged, not answered with an error; the periodic sweep relays the event later.
    transaction.on_commit(wake, robust=True)


# The oldest transaction id still running in this database (widened to 64 bits with the current
# epoch), or the next id to be given out when none is running. Events of older transactions are
# all committed (or rolled back): none can appear below them any more. Only this database's
# sessions count, so a long transaction elsewhere on the server does not hold the feed back.
_HORIZON_SQL = """
    WITH snapshot AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax)
    SELECT LEAST(
        (SELECT xmax FROM snapshot),
        COALESCE((
            SELECT min(
                ((((SELECT xmax FROM snapshot) >> 32)
                  - CASE WHEN activity.backend_xid::text::bigint > ((SELECT xmax FROM snapshot) & 4294967295)
                         THEN 1 ELSE 0 END) << 32)
                | activity.backend_xid::text::bigint
            )
            FROM pg_stat_activity AS activity
            WHERE activity.datname = current_database() AND activity.backend_xid IS NOT NULL
        ), 9223372036854775807)
    )
"""


def feed(*, after: int, limit: int) -> list[OutboxEvent]:
    """Events after the event `after`, in an order no later commit can cut into.

    On PostgreSQL ids are taken at INSERT but transactions commit in any order, so paging by id
    would skip an event whose transaction committed after a poller had read a higher id. The
    feed therefore orders by (writing transaction id, event id) and serves only events whose
    transaction is older than the oldest one still running: any event committed later sorts
    after everything already served. SQLite serialises writers, so there id order is commit order.
    """
    from django.db import connection
    from django.db.models import Q, Value
    from django.db.models.functions import Coalesce

    rows = OutboxEvent.objects.all()
    if connection.vendor != "postgresql":
        return list(rows.filter(pk__gt=after).order_by("pk")[:limit])
    rows = rows.annotate(position=Coalesce("xact_id", Value(0)))
    if after:
        anchor = OutboxEvent.objects.filter(pk=after).values_list("xact_id", flat=True).first() or 0
        rows = rows.filter(Q(position__gt=anchor) | Q(position=anchor, pk__gt=after))
    horizon = RawSQL(_HORIZON_SQL, [])
    return list(rows.filter(position__lt=horizon).order_by("position", "pk")[:limit])
