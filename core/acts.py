"""Recording an act: the one kernel call every service makes after it changed something.

An act is what a person (or the system) did: start a unit, record a result, disposition an NCR.
`record()` writes its bookkeeping in one place, in the caller's transaction, and refuses to run
outside one:

1. the history row(s) of the subject, when the subject keeps a history (`UnitEvent`, `LotEvent`,
   `NcrEvent`): handed over unsaved, saved here (a start writes the binding and the status move);
2. the audit entry (invariant 7): who, when (server time), where, what and why; its data names
   the history rows (`data["history"] = [{"model": ..., "id": ...}]`), so a history screen joins
   the two instead of guessing;
3. at most one outbound event (invariant 10), written to the outbox in the same transaction.

One act, one event: a status move that is part of an act is told in the act's own event and
audit entry (`status`, `previous_status`), not in a second one.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from core import audit, outbox
from core.models import AuditEntry, OutboxEvent, User


@dataclass(frozen=True)
class Event:
    """The outbound event of an act: its type (docs/api.md), subject ("unit:SN-1") and payload."""

    type: str
    subject: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Act:
    """What one act wrote: its audit entry, its event (or None) and its history row (or None)."""

    entry: AuditEntry
    event: OutboxEvent | None
    history: tuple[models.Model, ...]


class NotInTransaction(RuntimeError):
    pass


def record(
    *,
    actor: User | None,
    action: str,
    subject: models.Model | tuple[str, str],
    station: str = "",
    summary: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    event: Event | None = None,
    history: models.Model | Sequence[models.Model] | None = None,
    corrects: AuditEntry | None = None,
    actor_label: str | None = None,
) -> Act:
    """Record one act: its history row (saved here), its audit entry and at most one event."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(
            "acts.record() must run inside the transaction of the act it records "
            "(wrap the service in @retry_transaction or transaction.atomic)."
        )
    rows = [] if history is None else [history] if isinstance(history, models.Model) else list(history)
    for row in rows:
        if not row._state.adding:
            raise ValueError(
                "acts.record() takes the act's history rows unsaved: it writes them with the act."
            )
        row.save()
    entry_data = dict(data or {})
    if rows:
        entry_data["history"] = [{"model": row._meta.label_lower, "id": row.pk} for row in rows]
    entry = audit.record(
        actor=actor,
        action=action,
        subject=subject,
        station=station,
        summary=summary,
        reason=reason,
        data=entry_data,
        corrects=corrects,
        actor_label=actor_label,
    )
    outgoing = None
    if event is not None:
        outgoing = outbox.emit(event.type, subject=event.subject, data=event.data, actor=actor)
    return Act(entry=entry, event=outgoing, history=tuple(rows))
