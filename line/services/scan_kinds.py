"""What a scanned code is, decided once for the station screen, the step screen and the API.

A tablet's wedge scanner types whatever label it is pointed at into whichever field has the
focus, so every place that takes a scan must be able to say what was scanned, in words an
operator can act on ("SCR-1 is a material lot; scan it on the unit's step screen.", "Tool X is
not used at this step."), not "unknown unit serial" or "unknown lot". Two questions, one module:

- anywhere (`identify_code`): is the code a unit, a material lot (plain or a GS1 label's
  (10)/(21)), a tool or gauge, a person's badge, or unknown? The station screen asks it after its
  own unit lookup failed and turns the answer into its refusal (`refusal_where_unit_expected`).
- at a step (`scan_kind`, `tool_not_used_here`): is the code a tool the step uses, a gauge for one
  of its results, or material? The step screen routes the scan by it; `record_scan` (screen and
  API) refuses a registered tool scanned where the step does not use it.

Everything here reads only: it never records, locks or consumes anything.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import User
from instructions.models import Step
from line.barcodes.gs1 import parse_scan
from line.models import MaterialLot, Tool, ToolScan, Unit
from line.services import tools as tool_services

TOOL = "tool"
GAUGE = "gauge"
MATERIAL = "material"


@dataclass(frozen=True)
class ScanKind:
    """What a scanned code is at this step: `tool` (the step uses it; record it), `gauge` (a result
    of the step is measured with it; nothing to record yet) or `material` (a lot or serial)."""

    kind: str
    code: str
    tool: Tool | None = None


def scan_kind(*, unit: Unit, step: Step, barcode: str, gauges: Iterable[str] = ()) -> ScanKind:
    """Decide what `barcode` is at `step` of `unit`, as the operator was shown it.

    `gauges`: the gauge types of the step's results still to be measured (empty when no result
    wants a gauge: nothing is then looked up for a gauge). A tool the step uses that is also the
    gauge of one of its results (a torque driver) is the tool the first time and the gauge after.
    A gauge due for calibration is refused here (`tool_calibration_expired`), not at Record.
    """
    code = (barcode or "").strip()
    gauges = [gauge for gauge in gauges if gauge]
    if code in (step.tools or []):
        recorded = (
            bool(gauges)
            and ToolScan.objects.filter(
                unit=unit, step_id=step.pk, attempt=unit.current_attempt, tool__code=code
            ).exists()
        )
        return ScanKind(kind=GAUGE if recorded else TOOL, code=code)
    if gauges:
        tool = Tool.objects.filter(code=code, is_active=True).first()
        if tool is not None:
            tool_services.check_usable(tool, path="barcode")
            return ScanKind(kind=GAUGE, code=code, tool=tool)
    return ScanKind(kind=MATERIAL, code=code)


def tool_not_used_here(*, barcode: str, step: Step) -> DomainError | None:
    """The refusal for a registered tool scanned where `step` does not use it, or None when the code
    names no registered tool (it is then what it seemed: a lot code nobody received).

    Asked only once a scan was not found as material, so a lot's scan costs no lookup of tools."""
    code = (barcode or "").strip()
    if not code or code in (step.tools or []) or not Tool.objects.filter(code=code).exists():
        return None
    message = _("Tool {code} is not used at this step.").format(code=code)
    if step.tools:
        message = "{} {}".format(message, _("This step uses {tools}.").format(tools=", ".join(step.tools)))
    return DomainError("not_required_here", message, "barcode")


class CodeKind(StrEnum):
    UNIT = "unit"
    LOT = "lot"
    TOOL = "tool"
    BADGE = "badge"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IdentifiedCode:
    """What a scan names: its kind and the code as the line knows it (a GS1 label's lot, for a lot)."""

    kind: CodeKind
    code: str


def _lot_code(text: str) -> str | None:
    """The lot (or serial) a scan names, plain or as a GS1 label; None when it names none."""
    try:
        return parse_scan(text).lot
    except DomainError:
        return None


def identify_code(raw: str, *, user: User | None = None) -> IdentifiedCode:
    """Name the kind of thing `raw` is: a unit serial (visible to `user` when given), else a
    material lot (a plain lot code or a GS1 label's (10)/(21)), else a tool or gauge, else a
    person's badge, else unknown. At most four single-row queries, whatever the data."""
    text = (raw or "").strip("\r\n\t ")
    if not text:
        return IdentifiedCode(CodeKind.UNKNOWN, "")
    units = Unit.objects.visible_to(user) if user is not None else Unit.objects.all()
    if units.filter(serial=text).exists():
        return IdentifiedCode(CodeKind.UNIT, text)
    lot_code = _lot_code(text)
    if lot_code and MaterialLot.objects.filter(code=lot_code).exists():
        return IdentifiedCode(CodeKind.LOT, lot_code)
    if Tool.objects.filter(code=text).exists():
        return IdentifiedCode(CodeKind.TOOL, text)
    if User.objects.filter(badge_code=text).exists():
        return IdentifiedCode(CodeKind.BADGE, text)
    return IdentifiedCode(CodeKind.UNKNOWN, text)


def refusal_where_unit_expected(identified: IdentifiedCode) -> DomainError:
    """The refusal of a scan that is not a unit's serial, on a screen that expects one."""
    shown = identified.code[:64]
    if identified.kind == CodeKind.LOT:
        return DomainError(
            "lot_not_a_unit",
            _("{code} is a material lot; scan it on the unit's step screen.").format(code=shown),
            "barcode",
        )
    if identified.kind == CodeKind.TOOL:
        return DomainError(
            "tool_not_a_unit",
            _("{code} is a tool; scan it on the unit's step screen when the step asks for it.").format(
                code=shown
            ),
            "barcode",
        )
    if identified.kind == CodeKind.BADGE:
        # The badge's owner is not named: whoever holds the tablet need not learn whose badge it is.
        return DomainError(
            "badge_not_a_unit",
            _("That is a badge, not a unit: to sign in with it, tap “Sign in” at the top and scan it there."),
            "barcode",
        )
    return DomainError(
        "unknown_unit",
        _("No unit with serial '{serial}': scan the unit's serial label.").format(serial=shown),
        "barcode",
    )
