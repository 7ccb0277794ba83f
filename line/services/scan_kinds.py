"""What a code scanned at a step is: a tool the step uses, a gauge for one of its results, or material.

A tablet's wedge scanner sends every label to one place; the step screen and the API both need
to tell a tool from a gauge from a lot before they know which service records it, and to say
"tool X is not used at this step" (not "unknown lot") when a registered tool is scanned where
the step does not use it. The decision reads nothing for a material scan that succeeds: a
registered tool is looked for only where a lot was not found.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import DomainError
from instructions.models import Step
from line.models import Tool, ToolScan, Unit
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
