"""The live step screen: one step of one unit, with scans, results, tool scans and sign-off.

GET renders the shared `templates/line/step_screen.html`. Each POST calls one service and
answers, in the same response, the `outcome` region and the `step-work` region (what the step
still needs and its actions, with fresh idempotency keys), both out of band: one round trip per
scan or result, which is what a busy line's tablets cost the server. A replayed answer
(`Idempotent-Replayed`) is followed by a GET of `step-work` (line.js), since the line may have
moved on since the first answer. A sign-off moves to another screen (the next step, or the
station when the unit is complete). Without htmx, every POST answers the whole screen.

One truth per act: every POST (and every refresh or poll) names the step its screen showed. When
the unit is no longer at that step, nothing is recorded and the whole screen is loaded again at
the current step (`moved_on`), saying so (`step_not_current`); a region of the old screen is never
replaced with another step's needs and actions.
"""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.htmx import render_page
from core.permissions import requires
from instructions import content
from instructions.choices import Tracking
from instructions.screens import number
from line.choices import UnitStatus
from line.forms import ResultForm, ScanForm, SignOffForm
from line.models import Unit
from line.permissions import EXECUTE_STEP
from line.services import results as result_services
from line.services import scan_kinds
from line.services import scans as scan_services
from line.services import tools as tool_services
from line.services import units as unit_services
from line.views.screens import Outcome, flash, live_step_screen, load_unit, pop_flash
from line.views.station import help_keys, screen_status
from line.views.tablet import POLL_HEADER, TabletHttpRequest, go, on_tablet

TEMPLATE = "line/step_screen.html"


def _unit(request: TabletHttpRequest, serial: str) -> Unit:
    unit = load_unit(serial, user=request.user)
    if unit is None:
        raise Http404
    return unit


def _goes_on_elsewhere(request: TabletHttpRequest, unit: Unit, step, *, signed_off: bool) -> HttpResponse:
    """The unit's current step is at another work center: say where it goes, back to the station."""
    message = _(
        "Unit {serial} goes on at work center {center} (step {position}: {title}): take it to a "
        "{center} station."
    ).format(serial=unit.serial, center=step.operation.work_center, position=step.position, title=step.title)
    if signed_off:
        message = _("The previous step is signed off. {next}").format(next=message)
    flash(request, Outcome(tone="info", word=_("Next station"), message=message, code="goes_on_elsewhere"))
    return go(request, reverse("mes:station-home"))


def render_step(
    request: TabletHttpRequest,
    unit: Unit,
    *,
    outcome: Outcome | None = None,
    status: int = 200,
    partial: str = "step-screen",
    gauge: str = "",
    out_of_band: bool = False,
    qualified: bool = False,
    confirm_fail: str = "",
) -> HttpResponse:
    step = unit.current_step
    if step is not None and step.operation.work_center != request.tablet.station.work_center:
        signed_off = outcome is not None and outcome.code == "signed_off"
        return _goes_on_elsewhere(request, unit, step, signed_off=signed_off)
    screen, live = live_step_screen(
        unit,
        user=request.user,
        with_media=partial == "step-screen",
        gauge=gauge,
        qualified=qualified,
        confirm_fail=confirm_fail,
    )
    if screen is None:
        # Nothing to do here any more (complete, scrapped, not started): back to the station, saying
        # why; a refusal the request earned is kept, an earlier screen's outcome is not carried on.
        flash(
            request,
            (outcome if outcome is not None and outcome.tone in ("refused", "hold") else None)
            or Outcome(
                tone="info",
                word=unit.get_status_display(),
                message=(
                    _("Unit {serial} is not started: start it at the station.")
                    if unit.status == UnitStatus.PLANNED
                    else _("Unit {serial}: {status}. Nothing more to do at this step.")
                ).format(serial=unit.serial, status=unit.get_status_display()),
            ),
        )
        return go(request, reverse("mes:station-home"))
    context = {
        "screen": screen,
        "live": live,
        "tablet": request.tablet,
        "outcome": outcome,
        "keys": help_keys(),
        "work_oob": out_of_band,
    }
    also = ["outcome"] if partial == "step-screen" or out_of_band else []
    return render_page(
        request,
        TEMPLATE,
        context,
        partial=partial,
        # A refresh of step-work alone leaves the last outcome in view; every answer names the step
        # in the tab's title (htmx takes a <title> from a partial answer).
        also=[*also, "tab-title"],
        status=status,
    )


# Refusals that mean the screen showed a step the unit is no longer at (the services' codes).
STALE_CODES = frozenset({"step_not_current", "already_signed_off"})
MOVED_FROM = "moved_from"


def shown_step(value: object) -> int | None:
    """The step id a request says its screen showed (a form's `step`, a refresh's `?step=`)."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def is_stale(unit: Unit, shown: int | None) -> bool:
    """The screen that sent this showed another step than the unit's current one."""
    return shown is not None and unit.current_step_id != shown


def moved_on(request: TabletHttpRequest, unit: Unit, shown: int) -> HttpResponse:
    """Nothing recorded: the whole screen is replaced by the unit's current step (a new page: title,
    instruction, media, needs, actions, station bar), which says the step moved on (`step_not_current`).

    Never a region of the old screen: its instruction would stay beside the new step's controls."""
    url = "{}?{}={}".format(reverse("mes:unit-step", args=[unit.serial]), MOVED_FROM, shown)
    return go(request, url)


def moved_on_outcome(unit: Unit, shown: int | None) -> Outcome | None:
    """What the screen that replaced a stale one says: the step the operator was reading, and where the
    unit is now."""
    released = content.step_content(shown) if shown is not None else None
    if released is None or released.step.revision_id != unit.revision_id:
        return None
    old, current = released.step, unit.current_step
    if current is not None and current.pk == old.pk:
        return None  # back at that step (a reopen): the screen shows it again, nothing to explain
    if current is not None and current.position > old.position:
        said = _("Nothing was recorded: step {position} ({title}) was already signed off on another screen.")
    else:
        said = _("Nothing was recorded: step {position} ({title}) is no longer the step unit {serial} is at.")
    said = said.format(position=old.position, title=old.title, serial=unit.serial)
    if current is None:
        now = _("Unit {serial}: {status}.").format(serial=unit.serial, status=unit.get_status_display())
    else:
        now = _("This is now step {position}: {title}. Read it before you go on.").format(
            position=current.position, title=current.title
        )
    return Outcome(
        tone="refused", word=_("Step moved on"), message="{} {}".format(said, now), code="step_not_current"
    )


@requires(EXECUTE_STEP)
@on_tablet
def unit_step(request: TabletHttpRequest, serial: str) -> HttpResponse:
    """The unit's current step at this tablet (htmx refreshes ask for the `step-work` region only).

    A refresh or a poll names the step its screen shows (`?step=`): when the unit has moved on, the
    answer replaces the whole screen instead of a region of it."""
    htmx = getattr(request, "htmx", None)
    shown = shown_step(request.GET.get("step"))
    if request.headers.get(POLL_HEADER) == "1":
        # The held screen asking whether quality has released the unit: nothing new, nothing sent.
        unit = _unit(request, serial)
        if unit.status == UnitStatus.ON_HOLD:
            return HttpResponse(status=204)
        if shown is not None and is_stale(unit, shown):
            return moved_on(request, unit, shown)
        released = None
        if unit.status == UnitStatus.IN_PROGRESS:
            released = Outcome(
                tone="ok",
                word=_("Released"),
                message=_("Quality released unit {serial}: carry on.").format(serial=unit.serial),
            )
        return render_step(request, unit, outcome=released)
    if htmx and htmx.target == "step-work":
        unit = _unit(request, serial)
        if shown is not None and is_stale(unit, shown):
            return moved_on(request, unit, shown)
        gauge = request.GET.get("gauge", "")[:64]
        if request.GET.get("fail_cancelled"):
            # The operator answered "Cancel" to "Record Fail?": the question goes, with the actions.
            cancelled = Outcome(tone="info", word=_("Not recorded"), message=_("Fail was not recorded."))
            return render_step(request, unit, outcome=cancelled, partial="step-work", out_of_band=True)
        return render_step(request, unit, outcome=None, partial="step-work", gauge=gauge)
    unit = _unit(request, serial)
    outcome = pop_flash(request)
    if request.GET.get("signed_off"):
        outcome = Outcome(
            tone="ok",
            word=_("Signed off"),
            message=_("The previous step is signed off. This is the next one."),
            code="signed_off",
        )
    if request.GET.get(MOVED_FROM):
        outcome = moved_on_outcome(unit, shown_step(request.GET[MOVED_FROM])) or outcome
    return render_step(request, unit, outcome=outcome)


def answer(
    request: TabletHttpRequest,
    unit: Unit,
    outcome: Outcome,
    *,
    shown: int | None,
    status: int = 200,
    gauge: str = "",
    written: bool = False,
    confirm_fail: str = "",
) -> HttpResponse:
    """The outcome of a POST with the step as it now stands: for htmx the `step-work` and `outcome`
    regions, else the whole screen. `unit` is as the service left it (the row it locked and wrote),
    or as this request read it when nothing was written. `written`: a service wrote at this step in
    this transaction, so its guard (qualification included) has just passed. `shown`: the step the
    screen that posted showed; when the unit is at another one (or a service said so), nothing was
    recorded and the whole screen is replaced, never its actions alone."""
    if outcome.code in STALE_CODES or is_stale(unit, shown):
        return moved_on(request, unit, shown if shown is not None else 0)
    htmx = bool(getattr(request, "htmx", None))
    return render_step(
        request,
        unit,
        outcome=outcome,
        status=status,
        gauge=gauge,
        partial="step-work" if htmx else "step-screen",
        out_of_band=htmx,
        qualified=written,
        confirm_fail=confirm_fail,
    )


def _scan_outcome(request: TabletHttpRequest, unit: Unit, form: ScanForm) -> tuple[Outcome, str, Unit, bool]:
    """Route one scan by what it is at the step shown (`scan_kinds.scan_kind`): a tool the step uses,
    a gauge for a result, else a material lot or serial.

    Returns the outcome, the gauge scanned (if one was), the unit as it now stands, and whether
    anything was recorded. A tool the step needs that is also the gauge of one of its results
    (a torque driver, say) is recorded as the tool the first time and is the gauge every time."""
    barcode = form.cleaned_data["barcode"]
    step = unit.current_step
    if step is None:  # step_scan answered a screen showing another step (or none) before this
        raise ValueError("Unit {} has no current step to scan at.".format(unit.serial))
    station = request.tablet.station
    # A gauge is looked for only where the rendered screen had a result to measure with one.
    wants_gauge = bool(request.POST.get("gauges"))
    gauges = [item.gauge for item in step.characteristics.all() if item.gauge] if wants_gauge else []
    kind = scan_kinds.scan_kind(unit=unit, step=step, barcode=barcode, gauges=gauges)
    code = kind.code
    if kind.kind == scan_kinds.TOOL:
        scan = tool_services.record_tool_scan(
            unit=unit, step=form.cleaned_data["step"], barcode=code, actor=request.user, station=station
        )
        if scan.tool.kind and any(scan.tool.fits_gauge(gauge) for gauge in gauges):
            message = _("Tool {code} scanned. It is also the gauge: enter the measured value.")
            accepted = Outcome(tone="ok", word=_("Accepted"), message=message.format(code=code))
            return accepted, code, scan.unit, True
        accepted = Outcome(tone="ok", word=_("Accepted"), message=_("Tool {code} scanned.").format(code=code))
        return accepted, "", scan.unit, True
    if kind.kind == scan_kinds.GAUGE:
        ready = Outcome(
            tone="info",
            word=_("Gauge"),
            message=_("Gauge {code} ready: enter the measured value.").format(code=code),
        )
        return ready, code, unit, False
    consumption = scan_services.record_scan(
        unit=unit,
        step=form.cleaned_data["step"],
        barcode=barcode,
        actor=request.user,
        station=station,
        quantity=form.cleaned_data["quantity"],
    )
    if consumption.lot.part.tracking == Tracking.SERIAL:
        message = _("{part} serial {serial}.").format(
            part=consumption.part_number, serial=consumption.lot.code
        )
    else:
        message = _("{quantity} {uom} of {part} from lot {lot}.").format(
            quantity=number(consumption.quantity),
            uom=consumption.lot.part.uom,
            part=consumption.part_number,
            lot=consumption.lot.code,
        )
    return Outcome(tone="ok", word=_("Accepted"), message=message), "", consumption.unit, True


@requires(EXECUTE_STEP)
@on_tablet
@require_POST
def step_scan(request: TabletHttpRequest, serial: str) -> HttpResponse:
    """Anything scanned on the step screen (the raw text of a wedge scanner; the server parses it)."""
    unit = _unit(request, serial)
    form = ScanForm(request.POST)
    shown = shown_step(request.POST.get("step"))
    status, gauge, written = 200, "", False
    if shown is not None and is_stale(unit, shown):
        return moved_on(request, unit, shown)
    if not form.is_valid():
        outcome, status = (
            Outcome(tone="refused", word=_("Refused"), message=_("Nothing was read: scan the label again.")),
            422,
        )
    else:
        try:
            outcome, gauge, unit, written = _scan_outcome(request, unit, form)
        except DomainError as error:
            outcome, status = Outcome.refused(error), screen_status(error)
    return answer(request, unit, outcome, shown=shown, status=status, gauge=gauge, written=written)


@requires(EXECUTE_STEP)
@on_tablet
@require_POST
def step_result(request: TabletHttpRequest, serial: str) -> HttpResponse:
    """A measured value or a pass/fail; the server decides whether it is in tolerance (invariant 5).

    Fail holds the unit: a Fail is recorded only once the operator confirmed it on the screen (the
    first tap asks; the answer carries a "Record Fail" button that sends `confirmed`)."""
    unit = _unit(request, serial)
    form = ResultForm(request.POST)
    shown = shown_step(request.POST.get("step"))
    # A refused value keeps the gauge scanned for it: only the value is to be corrected.
    status, written, gauge = 200, False, request.POST.get("gauge", "")[:64]
    if shown is not None and is_stale(unit, shown):
        return moved_on(request, unit, shown)
    if not form.is_valid():
        outcome, status = (
            Outcome(tone="refused", word=_("Refused"), message=_("Enter the value, or tap Pass or Fail.")),
            422,
        )
        return answer(request, unit, outcome, shown=shown, status=status, gauge=gauge)
    data = form.cleaned_data
    if data["passed"] is False and not data["confirmed"]:
        question = Outcome(
            tone="info",
            word=_("Record Fail?"),
            message=_("Fail holds the unit for quality. Record Fail?"),
            code="confirm_fail",
        )
        return answer(request, unit, question, shown=shown, gauge=gauge, confirm_fail=data["characteristic"])
    try:
        recorded = result_services.record_result(
            unit=unit,
            step=data["step"],
            characteristic_code=data["characteristic"],
            actor=request.user,
            station=request.tablet.station,
            value=data["value"] or None,
            passed=data["passed"],
            gauge=data["gauge"] or None,
        )
    except DomainError as error:
        outcome, status = Outcome.refused(error), screen_status(error)
    else:
        written, gauge = True, ""
        if recorded.in_tolerance:
            unit = recorded.result.unit  # the row the service locked: current as of this write
            result = recorded.result
            if result.value is None:  # pass/fail: "In tolerance" would be a measurement's word
                word, message = _("Passed"), _("{code} passed.").format(code=data["characteristic"])
            else:
                word = _("In tolerance")
                measured = "{} {}".format(number(result.value), result.characteristic.unit).strip()
                message = _("{code} {value} recorded.").format(code=data["characteristic"], value=measured)
            outcome = Outcome(tone="ok", word=word, message=message)
        else:
            unit = _unit(request, serial)  # the NCR put it on hold (through its own read of the unit)
            outcome = Outcome(
                tone="hold",
                word=_("Out of tolerance") if data["passed"] is None else _("Failed"),
                code="out_of_tolerance",
                message=(
                    _("{code} is out of tolerance: {ncr} raised and the unit is on hold. Call quality.")
                    if data["passed"] is None
                    else _("{code} failed: {ncr} raised and the unit is on hold. Call quality.")
                ).format(code=data["characteristic"], ncr=getattr(recorded.ncr, "number", "—")),
            )
    return answer(request, unit, outcome, shown=shown, status=status, gauge=gauge, written=written)


@requires(EXECUTE_STEP)
@on_tablet
@require_POST
def step_sign_off(request: TabletHttpRequest, serial: str) -> HttpResponse:
    """Sign off the current step (refused while anything is missing, invariant 3); then the next step."""
    unit = _unit(request, serial)
    form = SignOffForm(request.POST)
    shown = shown_step(request.POST.get("step"))
    if shown is not None and is_stale(unit, shown):
        return moved_on(request, unit, shown)
    if not form.is_valid():
        outcome = Outcome(tone="refused", word=_("Refused"), message=_("Reload the step and sign off again."))
        return answer(request, unit, outcome, shown=shown, status=422)
    data = form.cleaned_data
    countersigner = None
    if data["inspector_username"] or data["inspector_password"]:
        countersigner = unit_services.Countersignature(
            username=data["inspector_username"], password=data["inspector_password"]
        )
    try:
        next_step = unit_services.sign_off_step(
            unit=unit,
            step=data["step"],
            actor=request.user,
            station=request.tablet.station,
            countersigner=countersigner,
        )
    except DomainError as error:
        return answer(request, unit, Outcome.refused(error), shown=shown, status=screen_status(error))
    if next_step is None:
        flash(
            request,
            Outcome(
                tone="ok",
                word=_("Complete"),
                message=_("Unit {serial} is complete.").format(serial=unit.serial),
            ),
        )
        return go(request, reverse("mes:station-home"))
    if next_step.operation.work_center != request.tablet.station.work_center:
        return _goes_on_elsewhere(request, unit, next_step, signed_off=True)
    # The next screen says "signed off" from its URL: no session write on the busiest POST.
    return go(request, "{}?signed_off={}".format(reverse("mes:unit-step", args=[unit.serial]), data["step"]))
