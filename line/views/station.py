"""The station screens: sign-in at a bound tablet, the station's units, switching operators, help."""

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import selectors as core_selectors
from core import views as core_views
from core.errors import DomainError
from core.htmx import HtmxHttpRequest, render_page
from core.permissions import public, requires
from line.choices import UnitStatus
from line.forms import BadgeSignInForm, HelpForm, PasswordSignInForm, StationScanForm
from line.models import Unit
from line.permissions import START_UNIT, VIEW_UNIT
from line.selectors import station_queue
from line.services import scan_kinds, station_sessions
from line.services import stations as station_services
from line.services import units as unit_services
from line.views.screens import Outcome, flash, load_unit, new_key, pop_flash
from line.views.tablet import (
    TabletHttpRequest,
    activate,
    binding_of,
    go,
    idle_outcome,
    in_language_of,
    on_tablet,
    sign_everyone_out,
    tablet_of,
)

STATION_TEMPLATE = "line/station.html"
SIGN_IN_TEMPLATE = "line/sign_in.html"


def screen_status(error: DomainError) -> int:
    """Screens answer 409 or 422 (htmx swaps both); the API keeps the finer codes."""
    return 409 if error.status == 409 else 422


def help_keys() -> dict[str, str]:
    return {"help": new_key()}


def render_station(
    request: TabletHttpRequest, *, outcome: Outcome | None = None, status: int = 200
) -> HttpResponse:
    """The station's units (waiting, in work, held) and the scan-to-start form."""
    tablet = request.tablet
    queue = station_queue(tablet.station)
    for unit in queue.waiting:
        unit.start_key = new_key()  # each Start button's own idempotency key
    context = {
        "tablet": tablet,
        "queue": queue,
        "outcome": outcome or pop_flash(request),
        "keys": {"scan": new_key(), **help_keys()},
    }
    return render_page(
        request, STATION_TEMPLATE, context, partial="station-units", also=["outcome"], status=status
    )


station_screen = requires(VIEW_UNIT)(on_tablet(render_station))


@public
def root(request: HtmxHttpRequest) -> HttpResponse:
    """`/`: a bound tablet goes to its station (its sign-in when nobody is signed in there), anyone
    else to the first screen of their role, or to the login page."""
    if binding_of(request) is not None:
        return redirect("mes:station-home")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return core_views.home(request)


@public
@never_cache  # a tablet page: never from the back-forward cache (see tablet.no_store)
def station_home(request: HtmxHttpRequest) -> HttpResponse:
    """The station screen of this tablet; sign-in when nobody is signed in; a notice on an unbound device."""
    if binding_of(request) is None:
        return render_page(request, "line/not_a_tablet.html", {})
    if not request.user.is_authenticated:
        return redirect("mes:station-sign-in")
    return station_screen(request)


def _sign_in_page(
    request: HttpRequest, binding, *, outcome=None, pin_for: str = "", status=200
) -> HttpResponse:
    context = {
        "binding": binding,
        "tablet": tablet_of(request),
        "badge_form": BadgeSignInForm(),
        "password_form": PasswordSignInForm(),
        "outcome": outcome or pop_flash(request),
        "pin_for": pin_for,
        "keys": {"badge": new_key(), "password": new_key(), **help_keys()},
        "help_url": reverse("mes:station-sign-in-help"),
    }
    return render_page(
        request, SIGN_IN_TEMPLATE, context, partial="sign-in-forms", also=["outcome"], status=status
    )


@public
@never_cache
def station_sign_in(request: HtmxHttpRequest) -> HttpResponse:
    """Operators sign in at a bound tablet: a badge scan (+ PIN) or user name and password."""
    binding = binding_of(request)
    if binding is None:
        return redirect("mes:station-home")
    if request.method != "POST":
        return _sign_in_page(request, binding)
    tablet = tablet_of(request)
    operators = tablet.operators if tablet else []
    by_badge = "badge" in request.POST
    form = BadgeSignInForm(request.POST) if by_badge else PasswordSignInForm(request.POST)
    if not form.is_valid():
        outcome = Outcome(
            tone="refused",
            word=_("Refused"),
            message=_("Scan your badge, or type your user name and password."),
        )
        return _sign_in_page(request, binding, outcome=outcome, status=422)
    try:
        if by_badge:
            user = station_sessions.sign_in_by_badge(
                station=binding.station, badge_code=form.cleaned_data["badge"], pin=form.cleaned_data["pin"]
            )
        else:
            user = station_sessions.sign_in_by_password(
                station=binding.station,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
    except DomainError as error:
        asks_pin = error.code in ("pin_required", "pin_wrong")
        outcome = Outcome(
            tone="info" if error.code == "pin_required" else "refused",
            word=_("PIN") if error.code == "pin_required" else _("Refused"),
            message=error.message,
            code=error.code,
        )
        return _sign_in_page(
            request,
            binding,
            outcome=outcome,
            pin_for=form.cleaned_data["badge"] if asks_pin else "",
            status=screen_status(error),
        )
    activate(request, binding.station, user, operators)
    with in_language_of(request, user):
        flash(
            request,
            Outcome(
                tone="ok", word=_("Signed in"), message=_("{name} signed in.").format(name=user.printed_name)
            ),
        )
    return go(request, reverse("mes:station-home"))


@requires(VIEW_UNIT)
@on_tablet
@require_POST
def station_switch(request: TabletHttpRequest, user_id: int) -> HttpResponse:
    """Make another operator signed in at this tablet the active one (a tap, no password)."""
    tablet = request.tablet
    user = core_selectors.identity(user_id) if any(o.id == user_id for o in tablet.operators) else None
    if user is None:
        return go(request, reverse("mes:station-sign-in"))
    activate(request, tablet.station, user, tablet.operators)
    with in_language_of(request, user):
        flash(
            request,
            Outcome(
                tone="info",
                word=_("Switched"),
                message=_("{name} is now working.").format(name=user.printed_name),
            ),
        )
    return go(request, reverse("mes:station-home"))


@requires(VIEW_UNIT)
@on_tablet
@require_POST
def station_sign_out(request: TabletHttpRequest, user_id: int) -> HttpResponse:
    """Sign one operator out of this tablet; the others stay signed in."""
    tablet = request.tablet
    remaining = station_sessions.without_operator(tablet.operators, user_id)
    leaving = (
        core_selectors.identity(user_id, active_only=False)
        if len(remaining) < len(tablet.operators)
        else None
    )
    if leaving is not None:
        station_sessions.sign_out(station=tablet.station, user=leaving)
    if user_id != tablet.active_id:
        station_sessions.remember(request.session, tablet.station, remaining)
        return go(request, reverse("mes:station-home"))
    next_user = core_selectors.identity(remaining[-1].id) if remaining else None
    if next_user is None:
        logout(request)
        return go(request, reverse("mes:station-sign-in"))
    activate(request, tablet.station, next_user, remaining)
    return go(request, reverse("mes:station-home"))


@public
@require_POST
def station_idle(request: HtmxHttpRequest) -> HttpResponse:
    """The idle timeout ran out on the tablet: sign everyone out, back to sign-in."""
    binding = binding_of(request)
    if binding is None:
        return redirect("mes:station-home")
    if request.user.is_authenticated:
        sign_everyone_out(request, binding, reason=_("Idle"))
        flash(request, idle_outcome())
    return redirect("mes:station-sign-in")


@requires(VIEW_UNIT)
@on_tablet
@require_POST
def station_keepalive(request: TabletHttpRequest) -> HttpResponse:
    """'I am still here' after the idle warning: the activity clock starts again."""
    station_sessions.touch(request.session, force=True)
    return HttpResponse(status=204)


def _start(request: TabletHttpRequest, unit: Unit) -> HttpResponse:
    try:
        unit_services.start_unit(unit=unit, actor=request.user, station=request.tablet.station)
    except DomainError as error:
        return render_station(request, outcome=Outcome.refused(error), status=screen_status(error))
    flash(
        request,
        Outcome(tone="ok", word=_("Started"), message=_("Unit {serial} started.").format(serial=unit.serial)),
    )
    return go(request, reverse("mes:unit-step", args=[unit.serial]))


def _unknown_unit(request: TabletHttpRequest, serial: str) -> HttpResponse:
    error = DomainError(
        "unknown_unit",
        _("No unit with serial '{serial}': scan the unit's serial label.").format(serial=serial[:64]),
        "serial",
    )
    return render_station(request, outcome=Outcome.refused(error), status=422)


@requires(START_UNIT)
@on_tablet
@require_POST
def unit_start(request: TabletHttpRequest, serial: str) -> HttpResponse:
    """Start a waiting unit with a tap on it."""
    unit = load_unit(serial, user=request.user)
    if unit is None:
        return _unknown_unit(request, serial)
    return _start(request, unit)


@requires(START_UNIT)
@on_tablet
@require_POST
def station_scan(request: TabletHttpRequest) -> HttpResponse:
    """A unit's serial scanned at the station: a planned unit starts, a unit in work opens."""
    form = StationScanForm(request.POST)
    serial = form.cleaned_data["barcode"] if form.is_valid() else ""
    unit = load_unit(serial, user=request.user) if serial else None
    if unit is None:
        # Not a unit: say what was scanned instead (a lot, a tool, a badge), or that it is unknown.
        refusal = scan_kinds.refusal_where_unit_expected(scan_kinds.identify_code(serial, user=request.user))
        return render_station(request, outcome=Outcome.refused(refusal), status=422)
    if unit.status == UnitStatus.PLANNED:
        return _start(request, unit)
    return go(request, reverse("mes:unit-step", args=[unit.serial]))


@requires(VIEW_UNIT)
@on_tablet
@require_POST
def help_call(request: TabletHttpRequest) -> HttpResponse:
    """The help button: call a supervisor, quality, maintenance or material here (others see it)."""
    form = HelpForm(request.POST)
    status = 200
    if not form.is_valid():
        outcome = Outcome(tone="refused", word=_("Refused"), message=_("Choose whom to call."))
        status = 422
    else:
        unit = load_unit(form.cleaned_data["unit"], user=request.user) if form.cleaned_data["unit"] else None
        try:
            call = station_services.call_help(
                station=request.tablet.station,
                kind=form.cleaned_data["kind"],
                actor=request.user,
                unit=unit,
                step=unit.current_step if unit is not None else None,
            )
        except DomainError as error:
            outcome, status = Outcome.refused(error), screen_status(error)
        else:
            outcome = Outcome(
                tone="ok",
                word=_("Called"),
                message=_("{kind} is called to station {code}. Stay at the station.").format(
                    kind=call.get_kind_display(), code=request.tablet.station.code
                ),
            )
    return _help_answer(request, request.tablet, outcome, status=status, help_unit=form.data.get("unit", ""))


def _help_answer(
    request: HttpRequest, tablet, outcome: Outcome, *, status: int, help_unit: str = "", help_url: str = ""
) -> HttpResponse:
    """What a help call answers: the outcome and the help panel again with a fresh key for the next call,
    both swapped out of band (the help forms use hx-swap="none")."""
    context = {
        "outcome": outcome,
        "tablet": tablet,
        "keys": help_keys(),
        "help_unit": help_unit,
        "help_url": help_url,
        "oob": True,
    }
    body = render_to_string("line/outcome.html", context, request=request) + render_to_string(
        "line/help_panel.html", context, request=request
    )
    response = HttpResponse(body, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@public
@require_POST
def sign_in_help(request: HtmxHttpRequest) -> HttpResponse:
    """The Help button of the sign-in screen: someone who cannot sign in (a lost badge, a locked PIN)
    calls for help at this station. Only a bound tablet may; the call names the tablet."""
    binding = binding_of(request)
    if binding is None:
        return redirect("mes:station-home")
    form = HelpForm(request.POST)
    if not form.is_valid():
        outcome, status = Outcome(tone="refused", word=_("Refused"), message=_("Choose whom to call.")), 422
    else:
        call = station_services.call_help(
            station=binding.station, kind=form.cleaned_data["kind"], actor=None, tablet=binding
        )
        outcome, status = (
            Outcome(
                tone="ok",
                word=_("Called"),
                message=_("{kind} is called to station {code}. Stay at the station.").format(
                    kind=call.get_kind_display(), code=binding.station.code
                ),
            ),
            200,
        )
    if not request.htmx:
        flash(request, outcome)
        return redirect("mes:station-sign-in")
    return _help_answer(
        request, tablet_of(request), outcome, status=status, help_url=reverse("mes:station-sign-in-help")
    )
