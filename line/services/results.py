"""Inspection results at a step (invariant 5): the server decides; out of tolerance raises an NCR and
holds."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core import acts, texts
from core.contention import retry_transaction
from core.errors import DomainError
from core.models import User
from instructions import content
from instructions.models import Step
from line import events
from line.models import Hold, Station, StepResult, Tool, Unit
from line.services import tools as tool_services
from line.services import units as unit_services


@dataclass(frozen=True)
class RecordedResult:
    result: StepResult
    ncr: object | None  # quality.models.Ncr
    hold: Hold | None

    @property
    def in_tolerance(self) -> bool:
        return self.result.in_tolerance


def _value(value) -> Decimal:
    """A measured value: a number, or text with a decimal point or a decimal comma ("0,72"),
    spaces around it ignored. Both a comma and a point ("1,234.5") is ambiguous and refused."""
    if isinstance(value, str):
        text = value.strip()
        if "," in text and "." in text or text.count(",") > 1:
            raise DomainError(
                "ambiguous_value",
                _(
                    "'{value}' mixes commas and points: type the value with one decimal mark and no "
                    "thousands separator, e.g. 1234.5 or 1234,5."
                ).format(value=text[:40]),
                "value",
            )
        value = text.replace(",", ".")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(
            "invalid_value", _("The value must be a number, e.g. 0.72 or 0,72."), "value"
        ) from None
    exponent = number.as_tuple().exponent  # "n", "N" or "F" for a NaN or an infinity
    if (
        not number.is_finite()
        or not isinstance(exponent, int)  # never once finite: narrows the type
        or abs(number) >= Decimal("1e12")
        or exponent < -8
    ):
        raise DomainError(
            "invalid_value", _("The value must be a finite number with at most 8 decimals."), "value"
        )
    return number


@retry_transaction
def record_result(
    *,
    unit: Unit,
    step: Step | int,
    characteristic_code: str,
    actor: User,
    station: Station | None,
    value=None,
    passed: bool | None = None,
    gauge: str | None = None,
    reason: str = "",
) -> RecordedResult:
    """Record a measured value or a pass/fail; out of tolerance raises an NCR and holds the unit.

    Re-recording writes a new row pointing at the one it replaces (append-only, invariant 6).
    """
    from quality.services import ncrs as ncr_services

    unit, step, station = unit_services.lock_unit_for_step(unit=unit, step=step, actor=actor, station=station)
    released = content.step_content(step.pk)
    if released is None:  # lock_unit_for_step has just read the step's released content
        raise ValueError("Step {} has no released content.".format(step.pk))
    characteristic = released.characteristic(characteristic_code)
    if characteristic is None:
        raise DomainError(
            "not_required_here",
            _("Characteristic {code} is not measured at this step: check the step on the screen.").format(
                code=characteristic_code
            ),
            "characteristic",
        )
    if characteristic.is_variable:
        if value is None or value == "":
            raise DomainError(
                "value_required",
                _("Enter the measured value of {code} ({unit}).").format(
                    code=characteristic.code, unit=characteristic.unit
                ),
                "value",
            )
        if passed is not None:
            raise DomainError(
                "passed_not_allowed",
                _("{code} is a measured value: send the value, not pass/fail.").format(
                    code=characteristic.code
                ),
                "passed",
            )
        number = _value(value)
        in_tolerance = characteristic.in_tolerance(number)
    else:
        if passed is None:
            raise DomainError(
                "passed_required",
                _("Say whether {code} passed or failed.").format(code=characteristic.code),
                "passed",
            )
        if value is not None and value != "":
            raise DomainError(
                "value_not_allowed",
                _("{code} is pass/fail: send passed, not a value.").format(code=characteristic.code),
                "value",
            )
        number = None
        in_tolerance = bool(passed)
    gauge_tool: Tool | None = None
    if characteristic.gauge and not gauge:
        raise DomainError(
            "gauge_required",
            _("{code} is measured with a {gauge}: scan the gauge with the result.").format(
                code=characteristic.code, gauge=characteristic.gauge
            ),
            "gauge",
        )
    if gauge:
        gauge_tool = tool_services.usable_tool(gauge, path="gauge", gauge=characteristic.gauge)
    previous = (
        StepResult.objects.filter(
            unit=unit, step=step, attempt=unit.current_attempt, characteristic=characteristic
        )
        .order_by("-id")
        .first()
    )
    if previous is not None and not (reason or "").strip():
        reason = _("Re-recorded")
    result = StepResult.objects.create(
        unit=unit,
        step=step,
        attempt=unit.current_attempt,
        characteristic=characteristic,
        value=number,
        passed=None if characteristic.is_variable else bool(passed),
        in_tolerance=in_tolerance,
        gauge=gauge_tool,
        actor=actor,
        station=station,
        replaces=previous,
        reason=reason or "",
    )
    acts.record(
        actor=actor,
        action="result.recorded",
        subject=unit,
        station=station.code,
        summary="{} {} = {} ({})".format(
            unit.serial,
            characteristic.code,
            value if number is not None else passed,
            "in tolerance" if in_tolerance else "OUT OF TOLERANCE",
        ),
        data={"result": result.pk, "replaces": previous.pk if previous else None},
        reason=reason or "",
        event=acts.Event(
            events.RESULT_RECORDED,
            events.unit_subject(unit),
            events.unit_data(
                unit,
                step=step.pk,
                characteristic=characteristic.code,
                result=result.pk,
                value=events.quantity(number),
                passed=result.passed,
                in_tolerance=in_tolerance,
                gauge=gauge_tool.code if gauge_tool else None,
                replaces=previous.pk if previous else None,
            ),
        ),
    )
    ncr = hold = None
    if not in_tolerance:
        description, code, params = texts.text(
            "ncr.out_of_tolerance", code=characteristic.code, name=characteristic.name, serial=unit.serial
        )
        ncr = ncr_services.raise_ncr(
            unit=unit,
            step=step,
            characteristic=characteristic,
            result=result,
            actor=actor,
            station=station,
            description=description,
            description_code=code,
            description_params=params,
        )
        hold = ncr.hold
    return RecordedResult(result=result, ncr=ncr, hold=hold)
