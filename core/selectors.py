"""Reads of the kernel's records for screens: identities, the audit trail, documents, webhooks."""

from collections.abc import Iterable

from core.models import User


def identity(user_id: int, *, active_only: bool = True) -> User | None:
    """One identity by id (only an active one unless `active_only` is False): one query."""
    users = User.objects.filter(pk=user_id)
    return (users.filter(is_active=True) if active_only else users).first()


def identities(user_ids: Iterable[int]) -> list[User]:
    """The identities with these ids (one query)."""
    return list(User.objects.filter(pk__in=list(user_ids)))
