"""The as-built record of a unit: what it is and how it was built (DOMAIN.md, "The way back").

`as_built_record(unit)` reads everything in a fixed number of queries, whatever the number of
steps, attempts, consumptions or NCRs: the unit and its bound revision, every ECO decision with
its signature, every step of the bound revision in routing order (and the steps executed under
an earlier binding) with each attempt's consumptions, results (superseded ones marked with what
replaced them), tool scans and sign-off, the holds with their releases, and the NCRs with their
dispositions and signatures.

The record is a tree of dataclasses; `as_json()` is its canonical JSON form (times ISO 8601 with
offset, decimals as text) and `record_hash` the SHA-256 of that JSON with sorted keys and no
whitespace (`core.signatures.canonical_json`), so a receiver tells versions apart. It is
readable for any unit; it is final only once the unit is completed or scrapped (invariant 6).
"""

import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, overload

from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from core.choices import Role
from core.errors import NotFound
from core.models import Signature, User
from core.signatures import canonical_json, normalised
from core.texts import label_of, render
from instructions.models import Revision, Step
from line.access import can_work_at, get_unit_for_user
from line.choices import HoldKind, HoldStatus, UnitEventKind, UnitStatus
from line.models import (
    Consumption,
    EcoDecision,
    EcoDecisionKind,
    Hold,
    StepResult,
    StepSignOff,
    ToolScan,
    Unit,
    UnitEvent,
)
from quality.choices import Decision, NcrSource, NcrStatus
from quality.models import Disposition, DispositionLine, Ncr

FORMAT = "threadline.as-built/1"
FINAL_STATUSES = frozenset({UnitStatus.COMPLETED, UnitStatus.SCRAPPED})
DISPOSITION_SUBJECT_TYPE = "quality.disposition"


@dataclass(frozen=True)
class Person:
    """Who did something: the user name and the name printed beside it."""

    username: str
    name: str


@overload
def _person(user: User) -> Person: ...
@overload
def _person(user: User | None) -> Person | None: ...
def _person(user: User | None) -> Person | None:
    return Person(username=user.username, name=user.printed_name) if user is not None else None


def _code(thing: Any) -> str | None:
    return thing.code if thing is not None else None


@dataclass(frozen=True)
class RevisionRef:
    id: int
    part_number: str
    revision: str
    release_id: str
    content_sha256: str


def _revision_ref(revision: Revision) -> RevisionRef:
    return RevisionRef(
        id=revision.pk,
        part_number=revision.product.part_number,
        revision=revision.revision,
        release_id=revision.release_id,
        content_sha256=revision.content_sha256,
    )


@dataclass(frozen=True)
class SignatureEntry:
    """An electronic signature as printed: name, meaning, time and the hash of what was signed."""

    printed_name: str
    username: str
    meaning: str
    signed_at: datetime
    content_hash: str

    @property
    def meaning_label(self) -> str:
        return dict(Signature._meta.get_field("meaning").flatchoices).get(self.meaning, self.meaning)


def _signature(signature: Signature) -> SignatureEntry:
    return SignatureEntry(
        printed_name=signature.printed_name,
        username=signature.signer.username,
        meaning=signature.meaning,
        signed_at=signature.signed_at,
        content_hash=signature.content_hash,
    )


@dataclass(frozen=True)
class EcoDecisionEntry:
    """An engineer's signed decision for the unit; `rebound` when it changed the binding (migrate)."""

    decision: str
    rebound: bool
    from_revision: RevisionRef
    to_revision: RevisionRef
    reason: str
    reopened_from_step: int | None
    decided_at: datetime
    decided_by: Person
    signature: SignatureEntry

    @property
    def decision_label(self) -> str:
        return label_of(EcoDecisionKind, self.decision)


@dataclass(frozen=True)
class ConsumptionEntry:
    id: int
    lot: str
    part_number: str
    part_revision: str
    quantity: Decimal
    by: Person
    at: datetime
    station: str | None
    corrects: int | None
    reason: str


@dataclass(frozen=True)
class ResultEntry:
    """A recorded result; `replaced_by` names the result that superseded it (None: it counts)."""

    id: int
    characteristic: str
    name: str
    kind: str
    value: Decimal | None
    passed: bool | None
    in_tolerance: bool
    nominal: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    unit: str
    gauge: str | None
    by: Person
    at: datetime
    station: str | None
    replaces: int | None
    replaced_by: int | None
    reason: str

    @property
    def is_superseded(self) -> bool:
        return self.replaced_by is not None


@dataclass(frozen=True)
class ToolScanEntry:
    id: int
    tool: str
    name: str
    by: Person
    at: datetime
    station: str | None


@dataclass(frozen=True)
class SignOffEntry:
    by: Person
    countersigned_by: Person | None
    at: datetime
    station: str | None


@dataclass
class Attempt:
    number: int
    consumptions: list[ConsumptionEntry] = field(default_factory=list)
    results: list[ResultEntry] = field(default_factory=list)
    tool_scans: list[ToolScanEntry] = field(default_factory=list)
    sign_off: SignOffEntry | None = None


@dataclass
class StepEntry:
    """One step in routing order; `bound` is False for a step of an earlier binding (before a migrate)."""

    id: int
    revision: str
    bound: bool
    position: int
    title: str
    operation: str
    work_center: str
    sign_off_by: str
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(frozen=True)
class HoldEntry:
    id: int
    kind: str
    status: str
    reason: str
    lot: str | None
    step: int | None
    ncrs: list[str]
    placed_at: datetime
    placed_by: Person | None
    station: str | None
    released_at: datetime | None
    released_by: Person | None
    release_reason: str
    # What the system wrote, as code and params (`core.texts`): rendered for each reader.
    reason_code: str = ""
    reason_params: dict | None = None
    release_code: str = ""
    release_params: dict | None = None
    released_by_ncr: str | None = None

    @property
    def kind_label(self) -> str:
        return label_of(HoldKind, self.kind)

    @property
    def status_label(self) -> str:
        return label_of(HoldStatus, self.status)

    @property
    def reason_text(self) -> str:
        return render(self.reason_code, self.reason_params, self.reason)

    @property
    def release_text(self) -> str:
        """Why it was released, in the reader's language (the inspector's reason as typed)."""
        return render(self.release_code, self.release_params, self.release_reason)


@dataclass(frozen=True)
class DispositionLineEntry:
    decision: str
    quantity: Decimal | None
    rework_steps: list[int]
    repair_note: str
    rtv_reference: str

    @property
    def decision_label(self) -> str:
        return label_of(Decision, self.decision)


@dataclass(frozen=True)
class DispositionEntry:
    reason: str
    decided_at: datetime
    decided_by: Person
    content_hash: str
    lines: list[DispositionLineEntry]
    signatures: list[SignatureEntry]


@dataclass(frozen=True)
class NcrEntry:
    number: str
    status: str
    source: str
    description: str
    step: int | None
    characteristic: str | None
    value: Decimal | None
    lot: str | None
    parent: str | None
    raised_at: datetime
    raised_by: Person | None
    station: str
    decision: str
    disposition: DispositionEntry | None
    description_code: str = ""
    description_params: dict | None = None

    @property
    def status_label(self) -> str:
        return label_of(NcrStatus, self.status)

    @property
    def source_label(self) -> str:
        return label_of(NcrSource, self.source)

    @property
    def description_text(self) -> str:
        """The description in the reader's language (as typed, when a person wrote it)."""
        return render(self.description_code, self.description_params, self.description)


@dataclass(frozen=True)
class Milestone:
    """Started, completed or scrapped: when, who, where (and why, for a scrap)."""

    at: datetime
    by: Person | None
    station: str | None
    reason: str = ""


@dataclass
class AsBuiltRecord:
    """What a unit is and how it was built; `is_final` only for a completed or scrapped unit."""

    format: str
    serial: str
    status: str
    is_final: bool
    product: dict[str, str]
    work_order: str
    revision: RevisionRef
    revision_bound_at: datetime | None
    eco_decisions: list[EcoDecisionEntry]
    started: Milestone | None
    completed: Milestone | None
    scrapped: Milestone | None
    steps: list[StepEntry]
    holds: list[HoldEntry]
    ncrs: list[NcrEntry]
    record_hash: str = ""

    @property
    def status_label(self) -> str:
        return label_of(UnitStatus, self.status)

    def content(self) -> dict[str, Any]:
        """Everything but the hash, as plain data (the hashed content)."""
        return {
            item.name: _plain(getattr(self, item.name)) for item in fields(self) if item.name != "record_hash"
        }

    def as_json(self) -> dict[str, Any]:
        """The canonical JSON form: decimals as text, times ISO 8601 with offset, and the hash."""
        return {**normalised(self.content()), "record_hash": self.record_hash}

    @property
    def hash_prefix(self) -> str:
        return self.record_hash[:12]


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def record_hash_of(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def get_unit_for_as_built(user: User, serial: str) -> Unit:
    """The unit whose as-built record `user` may read: any unit for the roles that view units,
    but an operator only a unit started at a station they are assigned to. Not visible = not found."""
    unit = get_unit_for_user(user, serial)
    if user.role != Role.OPERATOR:
        return unit
    if unit.station is not None and can_work_at(user, unit.station):
        return unit
    raise NotFound("unknown_unit", _("No unit with serial '{serial}'.").format(serial=serial), "serial")


def _step_entry(step: Step, *, bound: bool) -> StepEntry:
    return StepEntry(
        id=step.pk,
        revision=step.revision.revision,
        bound=bound,
        position=step.position,
        title=step.title,
        operation=step.operation.code,
        work_center=step.operation.work_center,
        sign_off_by=step.signoff,
    )


EXECUTED_STEP_RELATIONS = ("step__operation", "step__revision", "actor", "station")


def as_built_record(unit: Unit) -> AsBuiltRecord:
    """The unit's as-built record, read in a fixed number of queries (12)."""
    unit = Unit.objects.select_related("work_order", "revision__product", "station", "started_by").get(
        pk=unit.pk
    )
    decisions = list(
        EcoDecision.objects.filter(unit=unit)
        .select_related(
            "from_revision__product",
            "to_revision__product",
            "reopened_from",
            "decided_by",
            "signature__signer",
        )
        .order_by("decided_at", "id")
    )
    # The recorded acts: the first move into work is the start (who, when, where it happened;
    # the unit's `station` is where it is now), the last completion or scrap its end.
    endings: dict[str, UnitEvent] = {}
    for event in (
        UnitEvent.objects.filter(
            unit=unit,
            kind=UnitEventKind.STATUS,
            after__in=[UnitStatus.IN_PROGRESS, UnitStatus.COMPLETED, UnitStatus.SCRAPPED],
        )
        .select_related("actor", "station")
        .order_by("id")
    ):
        if event.after != UnitStatus.IN_PROGRESS or event.after not in endings:
            endings[event.after] = event
    bound_steps = list(
        Step.objects.filter(revision_id=unit.revision_id).select_related("operation", "revision")
    )
    consumptions = list(
        Consumption.objects.filter(unit=unit).select_related("lot", *EXECUTED_STEP_RELATIONS).order_by("id")
    )
    results = list(
        StepResult.objects.filter(unit=unit)
        .select_related("characteristic", "gauge", *EXECUTED_STEP_RELATIONS)
        .order_by("id")
    )
    tool_scans = list(
        ToolScan.objects.filter(unit=unit).select_related("tool", *EXECUTED_STEP_RELATIONS).order_by("id")
    )
    sign_offs = list(
        StepSignOff.objects.filter(unit=unit)
        .select_related("countersigned_by", *EXECUTED_STEP_RELATIONS)
        .order_by("id")
    )
    holds = list(
        Hold.objects.filter(unit=unit)
        .select_related("placed_by", "released_by", "station", "lot", "step")
        .order_by("placed_at", "id")
    )
    ncrs = list(
        Ncr.objects.filter(unit=unit)
        .select_related("raised_by", "step", "characteristic", "lot", "parent", "disposition__decided_by")
        .order_by("raised_at", "id")
    )
    lines = list(DispositionLine.objects.filter(disposition__ncr__unit=unit).order_by("id"))
    disposition_ids = (
        Disposition.objects.filter(ncr__unit=unit).annotate(key=Cast("pk", CharField())).values("key")
    )
    disposition_signatures = list(
        Signature.objects.filter(subject_type=DISPOSITION_SUBJECT_TYPE, subject_id__in=disposition_ids)
        .select_related("signer")
        .order_by("signed_at", "id")
    )

    steps = _steps(
        unit=unit,
        decisions=decisions,
        bound_steps=bound_steps,
        executed=[*consumptions, *results, *tool_scans, *sign_offs],
    )
    _fill_attempts(
        steps, consumptions=consumptions, results=results, tool_scans=tool_scans, sign_offs=sign_offs
    )
    record = AsBuiltRecord(
        format=FORMAT,
        serial=unit.serial,
        status=unit.status,
        is_final=unit.status in FINAL_STATUSES,
        product={"part_number": unit.revision.product.part_number, "name": unit.revision.product.name},
        work_order=unit.work_order.number,
        revision=_revision_ref(unit.revision),
        revision_bound_at=unit.revision_bound_at,
        eco_decisions=[_eco_decision(decision) for decision in decisions],
        started=_started(unit, endings.get(UnitStatus.IN_PROGRESS)),
        completed=_milestone(endings.get(UnitStatus.COMPLETED)),
        scrapped=_milestone(endings.get(UnitStatus.SCRAPPED), with_reason=True),
        steps=steps,
        holds=_holds(holds, ncrs),
        ncrs=_ncrs(ncrs, lines=lines, signatures=disposition_signatures),
    )
    record.record_hash = record_hash_of(record.content())
    return record


def _started(unit: Unit, event: UnitEvent | None) -> Milestone | None:
    """When, by whom and where the unit was started: its recorded start act."""
    if unit.started_at is None:
        return None
    if event is None:  # pragma: no cover - start_unit always records the move into work
        return Milestone(at=unit.started_at, by=_person(unit.started_by), station=None)
    return Milestone(at=unit.started_at, by=_person(unit.started_by), station=_code(event.station))


def _milestone(event: UnitEvent | None, *, with_reason: bool = False) -> Milestone | None:
    if event is None:
        return None
    return Milestone(
        at=event.occurred_at,
        by=_person(event.actor),
        station=_code(event.station),
        reason=event.reason if with_reason else "",
    )


def _eco_decision(decision: EcoDecision) -> EcoDecisionEntry:
    return EcoDecisionEntry(
        decision=decision.decision,
        rebound=decision.decision == EcoDecisionKind.MIGRATE,
        from_revision=_revision_ref(decision.from_revision),
        to_revision=_revision_ref(decision.to_revision),
        reason=decision.reason,
        reopened_from_step=decision.reopened_from.position if decision.reopened_from is not None else None,
        decided_at=decision.decided_at,
        decided_by=_person(decision.decided_by),
        signature=_signature(decision.signature),
    )


def _steps(
    *, unit: Unit, decisions: list[EcoDecision], bound_steps: list[Step], executed: list
) -> list[StepEntry]:
    """Every step of the bound revision, and each step of an earlier binding that was executed,
    ordered by binding (first bound revision first) and then by routing position."""
    bindings = [
        decision.from_revision_id for decision in decisions if decision.decision == EcoDecisionKind.MIGRATE
    ]
    bindings.append(unit.revision_id)
    order = {revision_id: index for index, revision_id in enumerate(dict.fromkeys(bindings))}
    entries = {step.pk: _step_entry(step, bound=True) for step in bound_steps}
    for row in executed:
        if row.step_id not in entries:
            entries[row.step_id] = _step_entry(row.step, bound=False)
    revision_of = {step.pk: step.revision_id for step in bound_steps}
    revision_of.update({row.step_id: row.step.revision_id for row in executed})
    return sorted(
        entries.values(),
        key=lambda entry: (order.get(revision_of[entry.id], len(order)), entry.position, entry.id),
    )


def _attempt(step: StepEntry, number: int) -> Attempt:
    for attempt in step.attempts:
        if attempt.number == number:
            return attempt
    attempt = Attempt(number=number)
    step.attempts.append(attempt)
    step.attempts.sort(key=lambda item: item.number)
    return attempt


def _attempt_numbers(rows) -> dict[tuple[int, int], int]:
    """(step, stored attempt) → the attempt's number in that step's own history: its first
    recorded attempt is 1, the next one 2, ... (rows written before attempts were counted per
    step carry unit-wide numbers: a step done once after a rework elsewhere is still attempt 1)."""
    stored: dict[int, set[int]] = {}
    for row in rows:
        stored.setdefault(row.step_id, set()).add(row.attempt)
    return {
        (step_id, attempt): number
        for step_id, attempts in stored.items()
        for number, attempt in enumerate(sorted(attempts), start=1)
    }


def _fill_attempts(steps: list[StepEntry], *, consumptions, results, tool_scans, sign_offs) -> None:
    by_id = {step.id: step for step in steps}
    numbers = _attempt_numbers([*consumptions, *results, *tool_scans, *sign_offs])
    replaced_by = {result.replaces_id: result.pk for result in results if result.replaces_id is not None}
    for item in consumptions:
        _attempt(by_id[item.step_id], numbers[item.step_id, item.attempt]).consumptions.append(
            ConsumptionEntry(
                id=item.pk,
                lot=item.lot.code,
                part_number=item.part_number,
                part_revision=item.part_revision,
                quantity=item.quantity,
                by=_person(item.actor),
                at=item.occurred_at,
                station=_code(item.station),
                corrects=item.corrects_id,
                reason=item.reason,
            )
        )
    for result in results:
        characteristic = result.characteristic
        _attempt(by_id[result.step_id], numbers[result.step_id, result.attempt]).results.append(
            ResultEntry(
                id=result.pk,
                characteristic=characteristic.code,
                name=characteristic.name,
                kind=characteristic.kind,
                value=result.value,
                passed=result.passed,
                in_tolerance=result.in_tolerance,
                nominal=characteristic.nominal,
                lower=characteristic.lower,
                upper=characteristic.upper,
                unit=characteristic.unit,
                gauge=_code(result.gauge),
                by=_person(result.actor),
                at=result.occurred_at,
                station=_code(result.station),
                replaces=result.replaces_id,
                replaced_by=replaced_by.get(result.pk),
                reason=result.reason,
            )
        )
    for scan in tool_scans:
        _attempt(by_id[scan.step_id], numbers[scan.step_id, scan.attempt]).tool_scans.append(
            ToolScanEntry(
                id=scan.pk,
                tool=scan.tool.code,
                name=scan.tool.name,
                by=_person(scan.actor),
                at=scan.occurred_at,
                station=_code(scan.station),
            )
        )
    for sign_off in sign_offs:
        attempt = _attempt(by_id[sign_off.step_id], numbers[sign_off.step_id, sign_off.attempt])
        attempt.sign_off = SignOffEntry(
            by=_person(sign_off.actor),
            countersigned_by=_person(sign_off.countersigned_by),
            at=sign_off.occurred_at,
            station=_code(sign_off.station),
        )


def _holds(holds: list[Hold], ncrs: list[Ncr]) -> list[HoldEntry]:
    numbers: dict[int, list[str]] = {}
    for ncr in ncrs:
        if ncr.hold_id is not None:
            numbers.setdefault(ncr.hold_id, []).append(ncr.number)
    return [
        HoldEntry(
            id=hold.pk,
            kind=hold.kind,
            status=hold.status,
            reason=hold.reason,
            lot=_code(hold.lot),
            step=hold.step.position if hold.step is not None else None,
            ncrs=numbers.get(hold.pk, []),
            placed_at=hold.placed_at,
            placed_by=_person(hold.placed_by),
            station=_code(hold.station),
            released_at=hold.released_at,
            released_by=_person(hold.released_by),
            release_reason=hold.release_reason,
            reason_code=hold.reason_code or "",
            reason_params=hold.reason_params,
            release_code=hold.release_code or "",
            release_params=hold.release_params,
            released_by_ncr=(hold.release_params or {}).get("ncr") if hold.release_code else None,
        )
        for hold in holds
    ]


def _ncrs(ncrs: list[Ncr], *, lines: list[DispositionLine], signatures: list[Signature]) -> list[NcrEntry]:
    lines_of: dict[int, list[DispositionLineEntry]] = {}
    for line in lines:
        lines_of.setdefault(line.disposition_id, []).append(
            DispositionLineEntry(
                decision=line.decision,
                quantity=line.quantity,
                rework_steps=list(line.rework_steps),
                repair_note=line.repair_note,
                rtv_reference=line.rtv_reference,
            )
        )
    signatures_of: dict[str, list[SignatureEntry]] = {}
    for signature in signatures:
        signatures_of.setdefault(signature.subject_id, []).append(_signature(signature))
    entries = []
    for ncr in ncrs:
        disposition = getattr(ncr, "disposition", None)
        entries.append(
            NcrEntry(
                number=ncr.number,
                status=ncr.status,
                source=ncr.source,
                description=ncr.description,
                step=ncr.step.position if ncr.step is not None else None,
                characteristic=_code(ncr.characteristic),
                value=ncr.value,
                lot=_code(ncr.lot),
                parent=ncr.parent.number if ncr.parent is not None else None,
                raised_at=ncr.raised_at,
                raised_by=_person(ncr.raised_by),
                station=ncr.station_code,
                decision=ncr.decision,
                description_code=ncr.description_code or "",
                description_params=ncr.description_params,
                disposition=DispositionEntry(
                    reason=disposition.reason,
                    decided_at=disposition.decided_at,
                    decided_by=_person(disposition.decided_by),
                    content_hash=disposition.content_hash,
                    lines=lines_of.get(disposition.pk, []),
                    signatures=signatures_of.get(str(disposition.pk), []),
                )
                if disposition is not None
                else None,
            )
        )
    return entries
