"""Registering tools and gauges, and scanning the tool a step requires."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts
from core.contention import retry_transaction
from core.errors import DomainError
from core.models import User
from instructions.models import Step
from line import events
from line.models import Station, Tool, ToolScan, Unit
from line.services import units as unit_services


class _Unchanged:
    """Marks an argument the caller did not give: keep the stored value."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


@retry_transaction
def register_tool(
    *,
    code: str,
    actor: User | None,
    name: str = "",
    kind: str = "",
    calibration_due: date | None | _Unchanged = UNCHANGED,
) -> tuple[Tool, bool]:
    """Register a tool (or update a registered one's name, gauge type and calibration date); returns
    (tool, created). A calibration date not given is kept: an update never makes an overdue gauge usable
    by accident; `None` given explicitly clears it."""
    code = (code or "").strip()
    if not code:
        raise DomainError("required", _("Give the tool a code."), "code")
    due = None if isinstance(calibration_due, _Unchanged) else calibration_due
    tool, created = Tool.objects.select_for_update(no_key=True).get_or_create(
        code=code, defaults={"name": name or "", "kind": kind or "", "calibration_due": due}
    )
    before = {
        "name": tool.name,
        "kind": tool.kind,
        "calibration_due": tool.calibration_due.isoformat() if tool.calibration_due else None,
    }
    if not created:
        tool.name = name or tool.name
        tool.kind = kind or tool.kind
        if not isinstance(calibration_due, _Unchanged):
            tool.calibration_due = calibration_due
        tool.save()
    after = {
        "name": tool.name,
        "kind": tool.kind,
        "calibration_due": tool.calibration_due.isoformat() if tool.calibration_due else None,
    }
    acts.record(
        actor=actor,
        action="tool.registered" if created else "tool.updated",
        subject=tool,
        summary=code,
        data={"after": after} if created else {"before": before, "after": after},
    )
    return tool, created


def usable_tool(code: str, *, path: str, on: date | None = None, gauge: str = "") -> Tool:
    """The registered, active, calibrated tool with this code (and of the gauge type, if named), or a
    refusal."""
    tool = Tool.objects.filter(code=(code or "").strip()).first()
    if tool is None or not tool.is_active:
        raise DomainError(
            "unknown_tool",
            _("Tool {code} is not registered: scan the tool's own label, or have it registered.").format(
                code=code
            ),
            path,
        )
    return check_usable(tool, path=path, on=on, gauge=gauge)


def check_usable(tool: Tool, *, path: str, on: date | None = None, gauge: str = "") -> Tool:
    """The tool itself when it is calibrated on that date (and of the gauge type, if named), else a
    refusal."""
    on = on or timezone.localdate()
    if tool.calibration_due is not None and not tool.is_calibrated(on):
        raise DomainError(
            "tool_calibration_expired",
            _(
                "Tool {code} was due for calibration on {date}: do not use it. Take a calibrated one "
                "and call maintenance."
            ).format(code=tool.code, date=tool.calibration_due.isoformat()),
            path,
        )
    if gauge and not tool.fits_gauge(gauge):
        raise DomainError(
            "wrong_gauge",
            _("Tool {code} is a {kind}; this characteristic is measured with a {gauge}.").format(
                code=tool.code, kind=tool.kind, gauge=gauge
            ),
            path,
        )
    return tool


@retry_transaction
def record_tool_scan(
    *, unit: Unit, step: Step | int, barcode: str, actor: User, station: Station | None
) -> ToolScan:
    """The tool a step requires, scanned: registered, calibrated, and required here."""
    unit, step, station = unit_services.lock_unit_for_step(unit=unit, step=step, actor=actor, station=station)
    code = (barcode or "").strip()
    if not step.tools or code not in step.tools:
        message = _("Tool {code} is not used at this step.").format(code=code)
        if step.tools:
            uses = _("This step uses {tools}.").format(tools=", ".join(step.tools))
            message = "{} {}".format(message, uses)
        raise DomainError("not_required_here", message, "barcode")
    tool = usable_tool(code, path="barcode")
    scan = ToolScan.objects.create(
        unit=unit,
        step=step,
        attempt=unit.current_attempt,
        tool=tool,
        barcode=code[:300],
        actor=actor,
        station=station,
    )
    acts.record(
        actor=actor,
        action="tool.scanned",
        subject=unit,
        station=station.code,
        summary="{} at {}".format(tool.code, unit.serial),
        data={"tool_scan": scan.pk, "step": step.pk},
        event=acts.Event(
            events.TOOL_SCANNED,
            events.unit_subject(unit),
            events.unit_data(unit, tool=tool.code, step=step.pk),
        ),
    )
    return scan
