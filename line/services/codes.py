"""What kind of thing a scanned code names at the line: a unit, a material lot, a tool, a badge.

A scanner types whatever label it is pointed at into whichever field has the focus, so a screen
that expects one kind of code (the station screen expects a unit's serial) must be able to say
what was scanned instead, in words an operator can act on ("SCR-1 is a material lot; scan it on
the unit's step screen."), not "unknown unit serial".

`identify_code` is the one decision; screens call it only after their own lookup failed, and turn
its answer into their refusal (`refusal_where_unit_expected` for the station screen). It reads
only: it never records, locks or consumes anything. The step screen has a similar decision (a
tool scanned where no tool is needed); the two are meant to be merged into this module.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import User
from line.barcodes.gs1 import parse_scan
from line.models import MaterialLot, Tool, Unit


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
