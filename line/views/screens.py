"""The live tablet screens as data: the shared StepScreen filled with what the line recorded.

`live_step_screen` answers in a fixed number of queries whatever the revision's size (the
step's requirements and characteristics are read once, by `line.selectors.step_progress`,
and handed to the shared `step_needs` instead of being fetched again).
"""

import uuid
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from instructions import content
from instructions.choices import CharacteristicKind
from instructions.models import Characteristic
from instructions.screens import MediaItem, StepScreen, media_items, number, step_needs
from line import selectors as line_selectors
from line.choices import UnitStatus
from line.models import Hold, Unit
from line.selectors import Need, StepProgress, step_progress
from line.services.units import with_current_step

ICONS = {"ok": "✔", "refused": "✖", "hold": "⚠", "info": "ℹ"}


@dataclass(frozen=True)
class Outcome:
    """What just happened, shown big: an icon, a word and a colour (never colour alone), and a sentence."""

    tone: str  # ok | refused | hold | info
    word: str
    message: str = ""
    code: str = ""
    details: tuple[str, ...] = ()

    @property
    def icon(self) -> str:
        return ICONS.get(self.tone, "•")

    @classmethod
    def refused(cls, error: DomainError) -> "Outcome":
        word = _("On hold") if error.code == "unit_on_hold" else _("Refused")
        tone = "hold" if error.code == "unit_on_hold" else "refused"
        return cls(
            tone=tone,
            word=word,
            message=error.message,
            code=error.code,
            details=tuple(str(item.message) for item in error.errors[1:]),
        )


def new_key() -> str:
    """A per-render idempotency key: a double tap or a resend replays the first answer (invariant 8)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class ResultEntry:
    """One characteristic's result form on the screen."""

    code: str
    name: str
    is_variable: bool
    limits: str
    unit: str
    gauge: str
    recorded: str
    is_valid: bool
    key: str


@dataclass
class LiveStep:
    """Everything the live step screen's actions show, on top of the shared StepScreen."""

    unit: Unit
    progress: StepProgress | None
    holds: list[Hold]
    results: list[ResultEntry] = field(default_factory=list)
    gauge: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    confirm_fail: str = ""  # the pass/fail characteristic whose Fail the screen asks to confirm

    @property
    def missing(self) -> list[Need]:
        return self.progress.missing if self.progress else []

    @property
    def is_on_hold(self) -> bool:
        return self.unit.status == UnitStatus.ON_HOLD

    @property
    def can_sign_off(self) -> bool:
        """The server's answer: nothing missing and not held (invariant 3); the button follows it."""
        return self.progress is not None and not self.missing and not self.is_on_hold

    @property
    def gauges(self) -> bool:
        """Whether a result of this step is measured with a gauge (a scan may then name a gauge)."""
        return any(entry.gauge and not entry.is_valid for entry in self.results)

    @property
    def needs_countersignature(self) -> bool:
        return self.progress is not None and self.progress.needs_countersignature


def load_unit(serial: str, *, user) -> Unit | None:
    """The unit with its revision, product, work order and station (one query); its current step
    (with operation, materials and characteristics) comes from the released content."""
    unit = line_selectors.unit_for_screen(serial, user=user)
    return with_current_step(unit) if unit is not None else None


def _limits(characteristic: Characteristic) -> str:
    unit = characteristic.unit
    if characteristic.lower is not None and characteristic.upper is not None:
        return "{} – {} {}".format(number(characteristic.lower), number(characteristic.upper), unit).strip()
    if characteristic.lower is not None:
        return "≥ {} {}".format(number(characteristic.lower), unit).strip()
    if characteristic.upper is not None:
        return "≤ {} {}".format(number(characteristic.upper), unit).strip()
    return ""


def _recorded_value(progress_item) -> str:
    result = progress_item.latest
    if result is None:
        return ""
    if result.value is not None:
        return "{} {}".format(number(result.value), progress_item.characteristic.unit).strip()
    return _("Pass") if result.passed else _("Fail")


def live_step_screen(
    unit: Unit,
    *,
    user,
    with_media: bool = True,
    gauge: str = "",
    qualified: bool = False,
    confirm_fail: str = "",
) -> tuple[StepScreen | None, LiveStep]:
    """The unit's current step as the tablet shows it, with what is recorded and what is missing."""
    holds: list[Hold] = []
    if unit.status == UnitStatus.ON_HOLD:
        holds = line_selectors.open_holds(unit)
    step = unit.current_step
    if step is None:
        return None, LiveStep(unit=unit, progress=None, holds=holds)
    progress = step_progress(
        unit=unit, step=step, attempt=unit.current_attempt, user=user, qualified=qualified
    )
    parts = content.revision_parts(unit.revision_id) if progress.materials else {}  # read by step_progress
    recorded: dict[str, str] = {}
    problems: dict[str, str] = {}
    for material in progress.materials:
        if material.is_done:
            recorded["material:{}".format(material.requirement.part_number)] = (
                _("{consumed} of {required} {uom}")
                .format(
                    consumed=number(material.consumed),
                    required=number(material.requirement.quantity),
                    uom=material.uom,
                )
                .strip()
            )
    partial_materials = {
        "material:{}".format(m.requirement.part_number): _("{consumed} of {required} {uom} scanned")
        .format(consumed=number(m.consumed), required=number(m.requirement.quantity), uom=m.uom)
        .strip()
        for m in progress.materials
        if not m.is_done and m.consumed > 0
    }
    results: list[ResultEntry] = []
    for item in progress.characteristics:
        characteristic = item.characteristic
        key = "characteristic:{}".format(characteristic.code)
        value = _recorded_value(item)
        if item.is_valid:
            recorded[key] = value
        elif item.is_recorded:
            problems[key] = _(
                "{value}: out of tolerance. NCR {ncr} raised, unit on hold. Call quality."
            ).format(value=value, ncr=item.ncr_id or "—")
        results.append(
            ResultEntry(
                code=characteristic.code,
                name=characteristic.name,
                is_variable=characteristic.kind == CharacteristicKind.VARIABLE,
                limits=_limits(characteristic),
                unit=characteristic.unit,
                gauge=characteristic.gauge,
                recorded=value,
                is_valid=item.is_valid,
                key=new_key(),
            )
        )
    for tool in progress.tools:
        if tool.scanned:
            recorded["tool:{}".format(tool.code)] = _("Scanned")
    if step.qualification:
        if progress.qualification_problem is None:
            recorded["qualification:{}".format(step.qualification)] = _("Held")
        else:
            problems["qualification:{}".format(step.qualification)] = progress.qualification_problem.message
    media: tuple[MediaItem, ...] = ()
    if with_media:
        media = media_items(
            content.step_media(step.pk),
            lambda item: reverse("instructions:step-media", args=[item.pk]),
        )
    needs = tuple(
        replace(
            need,
            done=need.key in recorded,
            recorded=recorded.get(need.key, partial_materials.get(need.key, "")),
            problem=problems.get(need.key, ""),
        )
        for need in step_needs(step, parts)
    )
    screen = StepScreen(
        revision=unit.revision,
        step=step,
        position=step.position,
        total=unit.revision.step_count,
        needs=needs,
        media=media,
        preview=False,
        unit_serial=unit.serial,
        actions_template="line/step_actions.html",
        exit_url=reverse("mes:station-home"),
    )
    live = LiveStep(
        unit=unit,
        progress=progress,
        holds=holds,
        results=results,
        gauge=gauge,
        keys={"scan": new_key(), "sign_off": new_key()},
        confirm_fail=confirm_fail,
    )
    return screen, live


FLASH = "tablet_outcome"


def flash(request, outcome: Outcome) -> None:
    """Keep an outcome for the next screen (after a redirect: a start, a sign-off, a sign-in)."""
    request.session[FLASH] = {
        "tone": outcome.tone,
        "word": str(outcome.word),
        "message": str(outcome.message),
        "code": outcome.code,
    }


def pop_flash(request) -> Outcome | None:
    if FLASH not in request.session:
        return None
    return Outcome(**request.session.pop(FLASH))
