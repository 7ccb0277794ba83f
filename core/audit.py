"""Writing the append-only audit trail (invariants 6 and 7).

Services call `record()` inside their own transaction, so an act and its audit
entry are committed together or not at all.
"""

from typing import Any

from django.db import models

from core.models import AuditEntry, User


def subject_of(subject: models.Model | tuple[str, str]) -> tuple[str, str]:
    if isinstance(subject, tuple):
        return subject
    return subject._meta.label_lower, str(subject.pk)


def record(
    *,
    actor: User | None,
    action: str,
    subject: models.Model | tuple[str, str],
    station: str = "",
    summary: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    corrects: AuditEntry | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry: who, when (server time), where, what and why.

    Without an actor the entry is the system's, unless `actor_label` names who it was
    (a refused sign-in by someone not known, for example)."""
    subject_type, subject_id = subject_of(subject)
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor.username if actor is not None else (actor_label or "system"),
        station=station or "",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=str(summary)[:300],
        reason=reason or "",
        data=data or {},
        corrects=corrects,
    )
