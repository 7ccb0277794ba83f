"""Operators signing in and out at a station tablet: badge (+ PIN) or user name and password.

Several operators may be signed in at one tablet; one of them is active (the identity every
write is attributed to, invariant 7) and a tap switches. The list lives in the tablet's
session: `SignedIn` entries plus the time of the last activity, so an idle tablet returns to
sign-in (`settings.THREADLINE_IDLE_TIMEOUT_SECONDS`). Who may sign in where is the station
assignment (guardian `mes.work_at_station`, `mes.access.can_work_at`).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils.translation import gettext as _

from mes.access import can_work_at
from mes.core import audit
from mes.core.errors import DomainError
from mes.core.models import User
from mes.models import Station

SESSION_OPERATORS = "tablet_operators"
SESSION_STATION = "tablet_station"
SESSION_SEEN = "tablet_seen"
# Writing the session on every request would cost a query each; refresh the clock at most this often.
TOUCH_EVERY_SECONDS = 15


@dataclass(frozen=True)
class SignedIn:
    """One operator signed in at the tablet, as the station bar shows them."""

    id: int
    name: str
    username: str


def _refuse_unless_allowed(
    user: User | None, *, station: Station, code: str, message: str, path: str
) -> User:
    if user is None or not user.is_active or user.is_system:
        raise DomainError(code, message, path)
    if not can_work_at(user, station):
        raise DomainError(
            "station_not_assigned",
            _(
                "{user} is not assigned to station {code}: ask your supervisor to assign you, "
                "or sign in at your own station."
            ).format(user=user.printed_name, code=station.code),
            path,
        )
    return user


@transaction.atomic
def sign_in_by_badge(*, station: Station, badge_code: str, pin: str = "") -> User:
    """The operator whose badge was scanned (and whose PIN, when they have one, was typed).

    Refused: `unknown_badge`, `pin_required` (the badge has a PIN and none was typed),
    `pin_wrong`, `station_not_assigned`.
    """
    badge_code = (badge_code or "").strip()
    user = User.objects.filter(badge_code=badge_code).first() if badge_code else None
    user = _refuse_unless_allowed(
        user,
        station=station,
        code="unknown_badge",
        message=_("Badge '{badge}' is not known: scan it again, or sign in with your user name.").format(
            badge=badge_code[:64]
        ),
        path="badge",
    )
    if user.badge_pin:
        if not pin:
            raise DomainError("pin_required", _("Type your PIN, then tap Sign in."), "pin")
        if not check_password(pin, user.badge_pin):
            audit.record(
                actor=user,
                action="station.sign_in_refused",
                subject=station,
                station=station.code,
                summary="pin_wrong",
            )
            raise DomainError("pin_wrong", _("The PIN is wrong: type it again."), "pin")
    audit.record(
        actor=user, action="station.signed_in", subject=station, station=station.code, summary="badge"
    )
    return user


@transaction.atomic
def sign_in_by_password(*, station: Station, username: str, password: str) -> User:
    """The operator whose user name and password were typed.

    Refused: `credentials_wrong`, `station_not_assigned`.
    """
    user = authenticate(None, username=(username or "").strip(), password=password or "")
    user = _refuse_unless_allowed(
        user,
        station=station,
        code="credentials_wrong",
        message=_("The user name or password is wrong: type them again."),
        path="password",
    )
    audit.record(
        actor=user, action="station.signed_in", subject=station, station=station.code, summary="password"
    )
    return user


@transaction.atomic
def sign_out(*, station: Station, user: User, reason: str = "") -> None:
    """Record that an operator left the tablet (by tapping Sign out, or idle)."""
    audit.record(
        actor=user, action="station.signed_out", subject=station, station=station.code, reason=reason
    )


# The tablet's list of signed-in operators, kept in its session.


def signed_in(session: SessionBase, station: Station) -> list[SignedIn]:
    """The operators signed in at this tablet; empty when the session belongs to another station."""
    if session.get(SESSION_STATION) != station.pk:
        return []
    return [SignedIn(**entry) for entry in session.get(SESSION_OPERATORS, [])]


def remember(session: SessionBase, station: Station, operators: list[SignedIn]) -> None:
    session[SESSION_STATION] = station.pk
    session[SESSION_OPERATORS] = [{"id": o.id, "name": o.name, "username": o.username} for o in operators]
    session[SESSION_SEEN] = time.time()


def with_operator(operators: list[SignedIn], user: User) -> list[SignedIn]:
    """The list with `user` in it (once)."""
    entry = SignedIn(id=user.pk, name=user.printed_name, username=user.username)
    return [o for o in operators if o.id != user.pk] + [entry]


def without_operator(operators: list[SignedIn], user_id: int) -> list[SignedIn]:
    return [o for o in operators if o.id != user_id]


def idle_timeout() -> int:
    return int(settings.THREADLINE_IDLE_TIMEOUT_SECONDS)


def is_idle(session: SessionBase, *, now: float | None = None) -> bool:
    """Whether the tablet has been left alone longer than the idle timeout."""
    seen = session.get(SESSION_SEEN)
    if seen is None:
        return False
    return (now or time.time()) - float(seen) > idle_timeout()


def touch(session: SessionBase, *, now: float | None = None, force: bool = False) -> None:
    """Note activity: written at most every TOUCH_EVERY_SECONDS unless forced (most requests write none)."""
    now = now or time.time()
    seen = session.get(SESSION_SEEN)
    if force or seen is None or now - float(seen) >= TOUCH_EVERY_SECONDS:
        session[SESSION_SEEN] = now
