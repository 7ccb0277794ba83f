"""Emitting outbound events (invariant 10).

`emit()` inserts the event in the caller's transaction: if the change rolls back,
so does the event. Delivery (webhooks, the polling feed) reads the table later.
"""

from typing import Any

from django.db import transaction

from mes.core.models import OutboxEvent, User


def emit(type: str, *, subject: str, data: dict[str, Any], actor: User | None = None) -> OutboxEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.emit() must run inside the transaction of the change it describes")
    event = OutboxEvent.objects.create(
        type=type, subject=subject, data=data, actor_label=actor.username if actor is not None else ""
    )
    _relay_after_commit()
    return event


def _relay_after_commit() -> None:
    """With real workers, wake the relay once the change is committed; a periodic sweep catches the rest.

    In the embedded mode (eager Celery) delivery is left to `manage.py relay_outbox`, so a
    slow receiver never slows down a screen.
    """
    from mes.celery import app
    from mes.core.tasks import relay_outbox

    if app.conf.task_always_eager:
        return

    relay_outbox.delay_on_commit()
