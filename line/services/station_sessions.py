"""Operators signing in and out at a station tablet: badge (+ PIN) or user name and password.

Several operators may be signed in at one tablet; one of them is active (the identity every
write is attributed to, invariant 7) and a tap switches. The list lives in the tablet's
session: `SignedIn` entries plus the time of the last activity, so an idle tablet returns to
sign-in (`settings.THREADLINE_IDLE_TIMEOUT_SECONDS`). Who may sign in where is the station
assignment (guardian `mes.work_at_station`, `line.access.can_work_at`).
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from core import acts
from core.contention import retry_transaction
from core.errors import DomainError
from core.models import User
from line.access import can_work_at
from line.models import Station

logger = logging.getLogger(__name__)

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


# Badge PINs: after PIN_ATTEMPTS wrong PINs for one badge within PIN_WINDOW seconds, the badge is
# refused for PIN_LOCKOUT seconds. Counted in the cache (not the database); every refusal is audited.
PIN_ATTEMPTS = 5
PIN_WINDOW = 15 * 60
PIN_LOCKOUT = 15 * 60


def _pin_cache_key(kind: str, badge: str) -> str:
    return "threadline:badge-pin:{}:{}".format(kind, hashlib.sha256(badge.encode()).hexdigest())


class _CacheDown(Exception):
    """The cache that counts wrong PINs cannot be reached."""


def _unavailable() -> DomainError:
    return DomainError(
        "badge_sign_in_unavailable",
        _(
            "Badge sign-in is unavailable right now: sign in with your user name and password, "
            "and tell an administrator that the cache (REDIS_URL) cannot be reached."
        ),
        "badge",
    )


def _pin_locked_until(badge: str) -> float | None:
    """When the badge's PIN lockout ends (a UNIX time), or None when it may try."""
    try:
        until = cache.get(_pin_cache_key("locked", badge))
    except Exception as error:  # the cache backend's own errors (Redis: ConnectionError, TimeoutError)
        raise _CacheDown from error
    return until if until and until > time.time() else None


def _pin_lockout_error(until: float) -> DomainError:
    minutes = max(1, int((until - time.time() + 59) // 60))
    return DomainError(
        "pin_locked",
        _(
            "Too many wrong PINs for this badge: it is locked for {minutes} more minutes. "
            "Sign in with your user name and password, or ask your supervisor."
        ).format(minutes=minutes),
        "pin",
    )


def _count_wrong_pin(badge: str) -> float | None:
    """Count a wrong PIN; the PIN_ATTEMPTS-th within PIN_WINDOW of the first locks the badge for
    PIN_LOCKOUT (returns when the lock ends). Atomic in the cache (add, then incr), so tablets
    trying the same badge at once cannot overwrite each other's count."""
    key = _pin_cache_key("failures", badge)
    try:
        cache.add(key, 0, PIN_WINDOW)
        try:
            failures = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.add(key, 0, PIN_WINDOW)
            failures = cache.incr(key)
        if failures < PIN_ATTEMPTS:
            return None
        until = time.time() + PIN_LOCKOUT
        cache.set(_pin_cache_key("locked", badge), until, PIN_LOCKOUT)
        cache.delete(key)
    except Exception as error:  # the cache backend's own errors
        raise _CacheDown from error
    return until


def _audited(**act) -> None:
    """A sign-in's act, in a transaction of its own when the caller runs none (a refusal is recorded
    even though nothing else is written)."""
    with transaction.atomic():
        acts.record(**act)


def _refused(error: DomainError, *, station: Station, user: User | None, how: str, **data) -> DomainError:
    """Audit a refused sign-in (who, if known; which refusal; how they tried) and hand back the error.

    Written where it is raised, outside any transaction of this module, so the refusal does not
    roll back its own record. A caller must not run the sign-in inside a transaction it rolls
    back on refusal (the station view does not)."""
    _audited(
        actor=user,
        actor_label=None if user is not None else "(unknown)",
        action="station.sign_in_refused",
        subject=station,
        station=station.code,
        summary="{} {}".format(how, error.code),
        data={"code": error.code, "by": how, **data},
    )
    return error


def _allowed(user: User | None, *, station: Station, how: str, unknown: DomainError, **data) -> User:
    if user is None or not user.is_active or user.is_system:
        raise _refused(unknown, station=station, user=None, how=how, **data)
    if not can_work_at(user, station):
        raise _refused(
            DomainError(
                "station_not_assigned",
                _(
                    "{user} is not assigned to station {code}: ask your supervisor to assign you, "
                    "or sign in at your own station."
                ).format(user=user.printed_name, code=station.code),
                "badge" if how == "badge" else "password",
            ),
            station=station,
            user=user,
            how=how,
        )
    return user


def sign_in_by_badge(*, station: Station, badge_code: str, pin: str = "") -> User:
    """The operator whose badge was scanned (and whose PIN, when they have one, was typed).

    Refused: `unknown_badge`, `station_not_assigned`, `pin_required` (the badge has a PIN and
    none was typed: a prompt, not audited), `pin_wrong` (the PIN_ATTEMPTS-th within PIN_WINDOW
    locks the badge for PIN_LOCKOUT), `pin_locked`, `badge_sign_in_unavailable` (a badge with a
    PIN while the cache that counts wrong PINs cannot be reached: it fails closed). Every
    refusal but the prompt is audited.
    """
    badge_code = (badge_code or "").strip()
    user = User.objects.filter(badge_code=badge_code).first() if badge_code else None
    user = _allowed(
        user,
        station=station,
        how="badge",
        unknown=DomainError(
            "unknown_badge",
            _("Badge '{badge}' is not known: scan it again, or sign in with your user name.").format(
                badge=badge_code[:64]
            ),
            "badge",
        ),
    )
    if user.badge_pin:
        try:
            locked_until = _pin_locked_until(badge_code)
            if locked_until is not None:
                raise _refused(_pin_lockout_error(locked_until), station=station, user=user, how="badge")
            if not pin:
                raise DomainError("pin_required", _("Type your PIN, then tap Sign in."), "pin")
            if not check_password(pin, user.badge_pin):
                locked_until = _count_wrong_pin(badge_code)
                wrong = _refused(
                    DomainError("pin_wrong", _("The PIN is wrong: type it again."), "pin"),
                    station=station,
                    user=user,
                    how="badge",
                )
                if locked_until is None:
                    raise wrong
                _audited(
                    actor=user,
                    action="station.pin_locked",
                    subject=station,
                    station=station.code,
                    summary="pin_locked",
                )
                raise _pin_lockout_error(locked_until)
        except _CacheDown:
            logger.exception("badge PIN lockout: the cache cannot be reached")
            raise _refused(_unavailable(), station=station, user=user, how="badge") from None
    _audited(actor=user, action="station.signed_in", subject=station, station=station.code, summary="badge")
    return user


def sign_in_by_password(*, station: Station, username: str, password: str) -> User:
    """The operator whose user name and password were typed.

    Refused (and audited): `credentials_wrong`, `station_not_assigned`.
    """
    username = (username or "").strip()
    user = authenticate(None, username=username, password=password or "")
    # Whose account was tried, when it is one: never the typed text itself (people type their
    # password into the user name field, and the audit trail keeps everything for good).
    tried = None if user is not None else User.objects.filter(username=username).only("pk").first()
    user = _allowed(
        user,
        station=station,
        how="password",
        unknown=DomainError(
            "credentials_wrong", _("The user name or password is wrong: type them again."), "password"
        ),
        **({"account": tried.pk} if tried is not None else {}),
    )
    _audited(
        actor=user, action="station.signed_in", subject=station, station=station.code, summary="password"
    )
    return user


@retry_transaction
def sign_out(*, station: Station, user: User, reason: str = "") -> None:
    """Record that an operator left the tablet (by tapping Sign out, or idle)."""
    acts.record(actor=user, action="station.signed_out", subject=station, station=station.code, reason=reason)


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
