"""The tablet a request comes from: its binding cookie, its station, who is signed in at it.

A tablet is bound to a station once (by an engineer or admin): the device keeps a long-lived
key in a signed, HttpOnly cookie (Secure outside DEBUG); only the key's hash is stored
(`TabletBinding`). Every line screen runs `on_tablet`: no binding → the "not a station
tablet" page; idle too long → everyone signed out; the active operator must be one of the
operators signed in at this tablet.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_stubs_ext import StrOrPromise

from core import selectors as core_selectors
from core.middleware import chosen_language
from core.models import User
from core.types import AuthenticatedHttpRequest
from line.access import can_work_at
from line.choices import HelpKind
from line.models import Station, TabletBinding
from line.services import station_sessions
from line.services import stations as station_services
from line.views.screens import Outcome, flash

COOKIE = "threadline_tablet"
COOKIE_SALT = "threadline.tablet-binding"
COOKIE_MAX_AGE = 10 * 365 * 24 * 3600  # the binding lives until revoked
LOGIN_BACKEND = "core.permissions.RoleBackend"


@dataclass
class Tablet:
    """The bound tablet of a request and the operators signed in at it (active one first in `active`)."""

    binding: TabletBinding
    operators: list[station_sessions.SignedIn]
    active_id: int | None

    @property
    def station(self) -> Station:
        return self.binding.station

    @property
    def active(self) -> station_sessions.SignedIn | None:
        return next((o for o in self.operators if o.id == self.active_id), None)

    @property
    def help_kinds(self) -> list[tuple[str, StrOrPromise]]:
        return list(HelpKind.choices)

    @property
    def idle_timeout(self) -> int:
        return station_sessions.idle_timeout()

    @property
    def idle_warning(self) -> int:
        """Seconds before the timeout at which the screen warns (a fifth of it, at most a minute)."""
        return min(60, max(10, self.idle_timeout // 5))


class TabletHttpRequest(AuthenticatedHttpRequest):
    """A line screen request behind `@requires` and `@on_tablet`: signed in at a bound tablet,
    whose `Tablet` `on_tablet` set on the request."""

    tablet: Tablet


def set_tablet_cookie(response: HttpResponse, key: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        key,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        secure=not settings.DEBUG and settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def binding_of(request: HttpRequest) -> TabletBinding | None:
    """The active binding named by the request's tablet cookie (one query), cached on the request."""
    if not hasattr(request, "_tablet_binding"):
        key = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
        request._tablet_binding = station_services.tablet_for_key(key) if key else None  # type: ignore[attr-defined]
    return request._tablet_binding  # type: ignore[attr-defined]


def tablet_of(request: HttpRequest) -> Tablet | None:
    binding = binding_of(request)
    if binding is None:
        return None
    operators = station_sessions.signed_in(request.session, binding.station)
    active_id = (
        request.user.pk
        if request.user.is_authenticated and any(o.id == request.user.pk for o in operators)
        else None
    )
    return Tablet(binding=binding, operators=operators, active_id=active_id)


def in_language_of(request: HttpRequest, user: User):
    """Speak as the next screen will for `user`: their own language, else the browser's (an outcome
    made now, for the screen after a sign-in or a switch, is read by them, not by who was active)."""
    return translation.override(chosen_language(user) or translation.get_language_from_request(request))


def activate(
    request: HttpRequest, station: Station, user: User, operators: list[station_sessions.SignedIn]
) -> None:
    """Make `user` the active operator, keeping the others signed in (login() renews the session)."""
    login(request, user, backend=LOGIN_BACKEND)
    station_sessions.remember(request.session, station, station_sessions.with_operator(operators, user))


def sign_everyone_out(request: HttpRequest, binding: TabletBinding, *, reason: str) -> None:
    operators = station_sessions.signed_in(request.session, binding.station)
    for user in core_selectors.identities(o.id for o in operators):
        station_sessions.sign_out(station=binding.station, user=user, reason=reason)
    logout(request)


def idle_outcome() -> Outcome:
    return Outcome(
        tone="info",
        word=_("Signed out"),
        message=_("Everyone was signed out after a while without activity. Sign in again."),
    )


def go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole page, not swapped into a region."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


POLL_HEADER = "X-Threadline-Poll"


def no_store(response: HttpResponse) -> HttpResponse:
    """A tablet page is never kept by the browser (nor its back-forward cache): Back must not show a
    dead copy that still takes scans. line.js reloads a page restored from that cache anyway."""
    add_never_cache_headers(response)
    return response


def on_tablet(view: Callable) -> Callable:
    """Run the view only on a bound tablet, its identity signed in there; sets `request.tablet`."""

    @wraps(view)
    def wrapped(request: TabletHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        binding = binding_of(request)
        if binding is None:
            return no_store(go(request, reverse("mes:station-home")))
        if station_sessions.is_idle(request.session):
            sign_everyone_out(request, binding, reason=_("Idle"))
            flash(request, idle_outcome())
            return no_store(go(request, reverse("mes:station-sign-in")))
        tablet = tablet_of(request)
        assert tablet is not None
        if tablet.active_id is None:
            # Signed in at the desk login on this tablet: join the station, if assigned to it.
            if not can_work_at(request.user, binding.station):
                return no_store(go(request, reverse("mes:station-sign-in")))
            activate(request, binding.station, request.user, tablet.operators)
            tablet = tablet_of(request)
            if tablet is None:  # the binding was read above; activate() does not unbind the tablet
                raise RuntimeError("The tablet's binding vanished while its operator was being signed in.")
        if request.headers.get(POLL_HEADER) != "1":  # a screen asking by itself is not someone at the tablet
            station_sessions.touch(request.session)
        request.tablet = tablet
        return no_store(view(request, *args, **kwargs))

    wrapped.required_permissions = getattr(view, "required_permissions", ())  # type: ignore[attr-defined]
    return wrapped
