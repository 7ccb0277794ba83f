"""Granting qualifications and checking them where a step requires one."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts
from core.contention import retry_transaction
from core.errors import DomainError, Forbidden, NotFound
from core.models import User
from line.models import QualificationGrant


class _Keep:
    """Marks an expiry the caller did not give: a renewal keeps the current one."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


@retry_transaction
def grant_qualification(
    *, user: User, qualification: str, actor: User | None, expires_on: date | None | _Keep = KEEP
) -> tuple[QualificationGrant, bool]:
    """Grant (or renew) a qualification; returns the grant and whether it is new.

    Nobody grants a qualification to themselves (a person or an agent certifying itself is no
    control at all). Renewing without `expires_on` keeps the current expiry; `None` given
    explicitly makes the grant open-ended.
    """
    qualification = (qualification or "").strip()
    if not qualification:
        raise DomainError("required", _("Name the qualification to grant."), "qualification")
    if actor is not None and actor.pk == user.pk:
        raise Forbidden(
            "self_grant",
            _("Nobody can grant a qualification to themselves: ask a trainer or an administrator."),
            "username",
        )
    grant, created = QualificationGrant.objects.select_for_update(no_key=True).get_or_create(
        user=user,
        qualification=qualification,
        defaults={"expires_on": None if isinstance(expires_on, _Keep) else expires_on, "granted_by": actor},
    )
    before = grant.expires_on
    if not created:
        if not isinstance(expires_on, _Keep):
            grant.expires_on = expires_on
        grant.granted_by = actor
        grant.granted_at = timezone.now()
        grant.save()
    acts.record(
        actor=actor,
        action="qualification.granted",
        subject=grant,
        summary="{} holds {}".format(user.username, qualification),
        data={
            "user": user.username,
            "qualification": qualification,
            "expires_on": grant.expires_on.isoformat() if grant.expires_on else None,
            "expired_before": before.isoformat() if before and not created else None,
            "renewed": not created,
        },
    )
    return grant, created


def user_by_name(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound("unknown_user", _("No identity '{username}'.").format(username=username), "username")
    return user


def check_qualification(*, user: User, qualification: str, on: date | None = None) -> None:
    """Refuse with `qualification_missing` / `qualification_expired` unless the identity holds it today."""
    if not qualification:
        return
    on = on or timezone.localdate()
    grant = QualificationGrant.objects.filter(user=user, qualification=qualification).first()
    if grant is None:
        raise DomainError(
            "qualification_missing",
            _(
                "This step needs the qualification {qualification}, which {user} does not hold: ask "
                "a qualified colleague or your supervisor."
            ).format(qualification=qualification, user=user.username),
            "qualification",
        )
    if grant.expires_on is not None and not grant.is_valid(on):
        raise DomainError(
            "qualification_expired",
            _(
                "{user}'s qualification {qualification} expired on {date}: ask a qualified "
                "colleague, or renew it."
            ).format(qualification=qualification, user=user.username, date=grant.expires_on.isoformat()),
            "qualification",
        )
