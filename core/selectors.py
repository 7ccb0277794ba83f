"""Reads of the kernel's records for screens: identities, the audit trail, documents, webhooks."""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from core.models import AuditEntry, RenderedDocument, User, Webhook


def identity(user_id: int, *, active_only: bool = True) -> User | None:
    """One identity by id (only an active one unless `active_only` is False): one query."""
    users = User.objects.filter(pk=user_id)
    return (users.filter(is_active=True) if active_only else users).first()


def identities(user_ids: Iterable[int]) -> list[User]:
    """The identities with these ids (one query)."""
    return list(User.objects.filter(pk__in=list(user_ids)))


def audit_entries(
    *,
    subject: tuple[str, str] | None = None,
    action: str = "",
    who: str = "",
    subject_type: str = "",
    subject_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit trail, newest first, narrowed by each filter given (dates in the site's time zone).
    A queryset, so that the screen pages it in one query."""
    entries = AuditEntry.objects.order_by("-id")
    if subject is not None:
        entries = entries.filter(subject_type=subject[0], subject_id=subject[1])
    if action:
        entries = entries.filter(action=action)
    if who:
        entries = entries.filter(actor_label__iexact=who)
    if subject_type:
        entries = entries.filter(subject_type=subject_type)
    if subject_id:
        entries = entries.filter(subject_id=subject_id)
    if date_from:
        entries = entries.filter(occurred_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(occurred_at__date__lte=date_to)
    return entries


def document_of(document_id: int, *, requested_by: User) -> RenderedDocument | None:
    """A rendered document, only to the identity that asked for it."""
    return RenderedDocument.objects.filter(pk=document_id, requested_by=requested_by).first()


def webhooks_of(owner: User) -> list[Webhook]:
    return list(Webhook.objects.filter(owner=owner).order_by("id"))
