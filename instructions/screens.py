"""The operator step screen as data: what `templates/line/step_screen.html` shows.

The engineer's "preview as operator" and the line's live tablet screen render the same
template from the same dataclass. Preview fills it from the released definition alone;
the line fills `needs[*].done` / `recorded` from what was scanned and measured, sets
`preview=False` and names its own action forms (`actions_template`) and URLs.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from instructions.choices import CharacteristicKind, SignOff
from instructions.models import Revision, RevisionPart, Step, StepMedia


def number(value: Decimal | None) -> str:
    """0.60000000 → '0.6', 100 → '100' (never '1E+2'); '' for None."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class Need:
    """One thing the step needs before sign-off: a material to scan, a characteristic to
    record, a tool to scan, a qualification to hold, the kind of sign-off.

    `key` is stable across renders ("material:300-550", "characteristic:TQ1", "tool:TD-0.6",
    "qualification:ESD-1", "signoff") so the line can mark what is already `done`.
    """

    kind: str  # material | characteristic | tool | qualification | signoff
    key: str
    title: str
    facts: tuple[tuple[str, str], ...] = ()
    done: bool = False
    recorded: str = ""  # what the line recorded for it (lot code, measured value, ...)
    problem: str = ""  # a refusal the operator can act on, shown with the need

    @property
    def icon(self) -> str:
        return {
            "material": "▦",
            "characteristic": "⌀",
            "tool": "⚒",
            "qualification": "★",
            "signoff": "✍",
        }.get(self.kind, "•")


@dataclass(frozen=True)
class MediaItem:
    id: int
    kind: str  # image | video | pdf
    caption: str
    content_type: str
    url: str


@dataclass(frozen=True)
class StepScreen:
    """Everything one operator screen shows; `preview=True` shows no control that records anything."""

    revision: Revision
    step: Step
    position: int
    total: int
    needs: tuple[Need, ...]
    media: tuple[MediaItem, ...] = ()
    preview: bool = True
    is_draft: bool = False
    previous_url: str | None = None
    next_url: str | None = None
    exit_url: str | None = None
    unit_serial: str = ""  # the line: the unit being built
    actions_template: str = ""  # the line: a template with its scan / result / sign-off forms
    extra: Mapping[str, object] = field(default_factory=dict)  # the line: whatever its actions need

    @property
    def instruction_html(self) -> str:
        # Rendered at import with raw HTML escaped (instructions.services.markdown).
        return self.step.instruction_html

    @property
    def open_needs(self) -> tuple[Need, ...]:
        return tuple(need for need in self.needs if not need.done and need.kind != "signoff")

    @property
    def is_complete(self) -> bool:
        return not self.open_needs

    def with_recorded(self, recorded: Mapping[str, str]) -> "StepScreen":
        """A copy with each need whose key is in `recorded` marked done, showing what was recorded."""
        needs = tuple(
            replace(need, done=True, recorded=recorded[need.key]) if need.key in recorded else need
            for need in self.needs
        )
        return replace(self, needs=needs)


def step_needs(step: Step, parts: Mapping[str, RevisionPart]) -> tuple[Need, ...]:
    """What the step needs, from its prefetched materials and characteristics."""
    needs: list[Need] = []
    for material in step.materials.all():
        part = parts.get(material.part_number)
        facts = [
            (_("Quantity"), "{} {}".format(number(material.quantity), part.uom if part else "").strip()),
            (_("Allowed revisions"), ", ".join(material.allowed_revisions) or "—"),
        ]
        if material.alternates:
            facts.append((_("Alternates"), ", ".join(material.alternates)))
        if part is not None:
            facts.append((_("Tracking"), part.get_tracking_display()))
        needs.append(
            Need(
                kind="material",
                key="material:{}".format(material.part_number),
                title="{} {}".format(material.part_number, part.name if part else "").strip(),
                facts=tuple(facts),
            )
        )
    for characteristic in step.characteristics.all():
        if characteristic.kind == CharacteristicKind.VARIABLE:
            unit = characteristic.unit
            facts = [
                (
                    _("Nominal"),
                    "{} {}".format(number(characteristic.nominal), unit).strip()
                    if characteristic.nominal is not None
                    else "—",
                ),
                (
                    _("Lower limit"),
                    "{} {}".format(number(characteristic.lower), unit).strip()
                    if characteristic.lower is not None
                    else "—",
                ),
                (
                    _("Upper limit"),
                    "{} {}".format(number(characteristic.upper), unit).strip()
                    if characteristic.upper is not None
                    else "—",
                ),
            ]
        else:
            facts = [(_("Result"), _("Pass / fail"))]
        if characteristic.gauge:
            facts.append((_("Gauge"), characteristic.gauge))
        needs.append(
            Need(
                kind="characteristic",
                key="characteristic:{}".format(characteristic.code),
                title="{} {}".format(characteristic.code, characteristic.name),
                facts=tuple(facts),
            )
        )
    for tool in step.tools:
        needs.append(
            Need(kind="tool", key="tool:{}".format(tool), title=tool, facts=((_("Scan the tool"), tool),))
        )
    if step.qualification:
        needs.append(
            Need(
                kind="qualification",
                key="qualification:{}".format(step.qualification),
                title=step.qualification,
                facts=((_("Operator qualification"), step.qualification),),
            )
        )
    signoff = (
        _("Operator, then an inspector countersigns")
        if step.signoff == SignOff.OPERATOR_AND_INSPECTOR
        else _("Operator")
    )
    needs.append(
        Need(kind="signoff", key="signoff", title=_("Sign-off"), facts=((_("Signed off by"), signoff),))
    )
    return tuple(needs)


def media_items(media: Iterable[StepMedia], url_for) -> tuple[MediaItem, ...]:
    return tuple(
        MediaItem(
            id=item.pk,
            kind=item.kind,
            caption=item.caption,
            content_type=item.content_type,
            url=url_for(item),
        )
        for item in media
    )
