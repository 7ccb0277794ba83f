"""Every screen read of the line: dataclasses with planned queries (counted in tests).

`step_progress` is the single answer to "what does this step still need?" (invariant 3): the
sign-off service refuses on its `missing` list, and the tablet and the API show the same list.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from instructions import content
from instructions.models import Characteristic, MaterialRequirement, Operation, Product, RevisionPart, Step
from line.choices import HelpCallStatus, HoldStatus, NeedKind, UnitStatus
from line.models import (
    Consumption,
    HelpCall,
    Hold,
    MaterialLot,
    QualificationGrant,
    Station,
    StepResult,
    TabletBinding,
    ToolScan,
    Unit,
    WorkOrder,
)

# NCR statuses that make an out-of-tolerance result acceptable for sign-off ("dispositioned later").
RESOLVED_NCR_STATUSES = ("dispositioned", "closed")


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


@dataclass(frozen=True)
class Need:
    """One thing the step still needs; `code` is the API error code sign-off answers with."""

    kind: str
    code: str
    message: str
    path: str
    label: str = ""


@dataclass
class MaterialProgress:
    requirement: MaterialRequirement
    name: str
    uom: str
    tracking: str
    consumed: Decimal
    allowed_revisions: list[str]
    alternates: list[str]

    @property
    def open_quantity(self) -> Decimal:
        return max(self.requirement.quantity - self.consumed, Decimal(0))

    @property
    def is_done(self) -> bool:
        return self.consumed >= self.requirement.quantity


@dataclass
class CharacteristicProgress:
    characteristic: Characteristic
    latest: StepResult | None
    ncr_id: int | None = None
    ncr_resolved: bool = False

    @property
    def is_recorded(self) -> bool:
        return self.latest is not None

    @property
    def is_valid(self) -> bool:
        return self.latest is not None and (self.latest.in_tolerance or self.ncr_resolved)


@dataclass
class ToolProgress:
    code: str
    scanned: bool


@dataclass
class StepProgress:
    step: Step
    attempt: int
    materials: list[MaterialProgress]
    characteristics: list[CharacteristicProgress]
    tools: list[ToolProgress]
    qualification: str
    qualification_problem: Need | None = None
    missing: list[Need] = field(default_factory=list)

    @property
    def needs_countersignature(self) -> bool:
        return self.step.needs_inspector


def step_progress(
    *, unit: Unit, step: Step, attempt: int, user=None, labels: bool = True, qualified: bool = False
) -> StepProgress:
    """What the unit has done at this step attempt, and what it still needs (a fixed number of queries).

    `labels=False` (sign-off) skips reading part names unless something is missing. `qualified=True`
    says the caller's transaction has just passed the step guard for `user` (which checks the
    qualification), so the grant is not read again.
    """
    released = content.step_content(step.pk)
    requirements = list(released.requirements) if released else []
    characteristics = list(released.characteristics) if released else []
    consumed: dict[int, Decimal] = {}
    parts: dict[str, RevisionPart] = {}
    if requirements:
        consumed = {
            row["requirement_id"]: row["total"]
            for row in Consumption.objects.filter(unit=unit, step=step, attempt=attempt)
            .values("requirement_id")
            .annotate(total=Sum("quantity"))
            .order_by()
        }
        if labels or any(consumed.get(r.pk, Decimal(0)) < r.quantity for r in requirements):
            parts = content.revision_parts(unit.revision_id)
    latest: dict[int, StepResult] = {}
    if characteristics:
        for recorded in StepResult.objects.filter(unit=unit, step=step, attempt=attempt).order_by("id"):
            latest[recorded.characteristic_id] = recorded
    ncrs_by_result: dict[int | None, list] = defaultdict(list)  # filtered on result ids: never None
    failed = [result.pk for result in latest.values() if not result.in_tolerance]
    if failed:
        from quality.models import Ncr  # read-only: the NCR's status decides whether the result may stand

        for ncr in Ncr.objects.filter(result_id__in=failed).order_by("id"):
            ncrs_by_result[ncr.result_id].append(ncr)
    scanned_tools: set[str] = set()
    if step.tools:
        scanned_tools = set(
            ToolScan.objects.filter(unit=unit, step=step, attempt=attempt).values_list(
                "tool__code", flat=True
            )
        )
    progress = StepProgress(
        step=step,
        attempt=attempt,
        materials=[],
        characteristics=[],
        tools=[],
        qualification=step.qualification,
    )
    for requirement in requirements:
        part = parts.get(requirement.part_number)
        item = MaterialProgress(
            requirement=requirement,
            name=part.name if part else "",
            uom=part.uom if part else "",
            tracking=part.tracking if part else "",
            consumed=consumed.get(requirement.pk, Decimal(0)),
            allowed_revisions=list(requirement.allowed_revisions),
            alternates=list(requirement.alternates),
        )
        progress.materials.append(item)
        if not item.is_done:
            progress.missing.append(
                Need(
                    NeedKind.MATERIAL,
                    "material_missing",
                    _("Scan {quantity} {uom} of {part} {name}.")
                    .format(
                        quantity=_number(item.open_quantity),
                        uom=item.uom,
                        part=requirement.part_number,
                        name=item.name,
                    )
                    .strip(),
                    "materials/{}".format(requirement.part_number),
                    requirement.part_number,
                )
            )
    for characteristic in characteristics:
        result = latest.get(characteristic.pk)
        measured = CharacteristicProgress(characteristic=characteristic, latest=result)
        if result is not None:
            ncrs = ncrs_by_result.get(result.pk, [])
            if ncrs:
                measured.ncr_id = ncrs[-1].pk
                measured.ncr_resolved = all(ncr.status in RESOLVED_NCR_STATUSES for ncr in ncrs)
        progress.characteristics.append(measured)
        if result is None:
            progress.missing.append(
                Need(
                    NeedKind.CHARACTERISTIC,
                    "result_missing",
                    _("Record {code} {name}.").format(code=characteristic.code, name=characteristic.name),
                    "characteristics/{}".format(characteristic.code),
                    characteristic.code,
                )
            )
        elif not measured.is_valid:
            progress.missing.append(
                Need(
                    NeedKind.OUT_OF_TOLERANCE,
                    "result_out_of_tolerance",
                    _("{code} is out of tolerance: quality must disposition its NCR first.").format(
                        code=characteristic.code
                    ),
                    "characteristics/{}".format(characteristic.code),
                    characteristic.code,
                )
            )
    for code in step.tools:
        progress.tools.append(ToolProgress(code=code, scanned=code in scanned_tools))
        if code not in scanned_tools:
            progress.missing.append(
                Need(
                    NeedKind.TOOL,
                    "tool_missing",
                    _("Scan tool {code}.").format(code=code),
                    "tools/{}".format(code),
                    code,
                )
            )
    if step.qualification and user is not None and not qualified:
        grant = QualificationGrant.objects.filter(user=user, qualification=step.qualification).first()
        if grant is None:
            progress.qualification_problem = Need(
                NeedKind.QUALIFICATION,
                "qualification_missing",
                _("This step needs the qualification {qualification}.").format(
                    qualification=step.qualification
                ),
                "qualification",
                step.qualification,
            )
        elif grant.expires_on is not None and not grant.is_valid(timezone.localdate()):
            progress.qualification_problem = Need(
                NeedKind.QUALIFICATION,
                "qualification_expired",
                _("The qualification {qualification} expired on {date}.").format(
                    qualification=step.qualification, date=grant.expires_on.isoformat()
                ),
                "qualification",
                step.qualification,
            )
        if progress.qualification_problem is not None:
            progress.missing.append(progress.qualification_problem)
    return progress


def missing_for_step(
    *, unit: Unit, step: Step, attempt: int, user=None, qualified: bool = False
) -> list[Need]:
    """What sign-off still waits for (invariant 3); empty when the step may be signed off.

    `qualified=True`: the caller's transaction has just passed the step guard, which checks the
    step's qualification, so it is not read again."""
    return step_progress(
        unit=unit, step=step, attempt=attempt, user=user, labels=False, qualified=qualified
    ).missing


@dataclass(frozen=True)
class HoldView:
    id: int
    kind: str
    reason: str
    ncr: int | None
    lot: str | None
    placed_at: object


@dataclass
class UnitState:
    unit: Unit
    step_count: int
    current: StepProgress | None
    holds: list[HoldView]

    @property
    def missing(self) -> list[Need]:
        return self.current.missing if self.current else []

    @property
    def is_on_hold(self) -> bool:
        return self.unit.status == UnitStatus.ON_HOLD


def unit_state(unit: Unit, *, user=None) -> UnitState:
    """The unit with its current step's progress and open holds: GET /units/{serial} and the step screen."""
    unit = Unit.objects.select_related(
        "revision__product", "work_order", "station", "current_step__operation"
    ).get(pk=unit.pk)
    holds = [
        HoldView(
            id=hold.pk,
            kind=hold.kind,
            reason=hold.reason_text,
            ncr=(hold.ncrs.all()[0].pk if hold.ncrs.all() else None),
            lot=hold.lot.code if hold.lot is not None else None,
            placed_at=hold.placed_at,
        )
        for hold in Hold.objects.filter(unit=unit, status=HoldStatus.OPEN)
        .select_related("lot")
        .prefetch_related("ncrs")
        .order_by("placed_at", "id")
    ]
    current = None
    if unit.current_step is not None:
        current = step_progress(unit=unit, step=unit.current_step, attempt=unit.current_attempt, user=user)
    return UnitState(unit=unit, step_count=unit.revision.step_count, current=current, holds=holds)


@dataclass(frozen=True)
class WhereUsedRow:
    serial: str
    unit_status: str
    step_id: int
    step_title: str
    quantity: Decimal


@dataclass
class WhereUsed:
    lot: MaterialLot
    rows: list[WhereUsedRow]


def where_used(lot: MaterialLot) -> WhereUsed:
    """Every unit that consumed the lot, per step, with the net quantity (corrections included)."""
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    labels: dict[tuple[int, int], tuple[str, str, str]] = {}
    rows = (
        Consumption.objects.filter(lot=lot)
        .values("unit_id", "unit__serial", "unit__status", "step_id", "step__title")
        .annotate(total=Sum("quantity"))
        .order_by("unit__serial", "step__position")
    )
    for row in rows:
        key = (row["unit_id"], row["step_id"])
        totals[key] += row["total"]
        labels[key] = (row["unit__serial"], row["unit__status"], row["step__title"])
    return WhereUsed(
        lot=lot,
        rows=[
            WhereUsedRow(
                serial=labels[key][0],
                unit_status=labels[key][1],
                step_id=key[1],
                step_title=labels[key][2],
                quantity=total,
            )
            for key, total in totals.items()
            if total != 0
        ],
    )


@dataclass
class StationQueue:
    station: Station
    waiting: list[Unit]
    in_progress: list[Unit]
    on_hold: list[Unit]
    wip_count: int
    more_waiting: bool = False  # more units wait than `waiting` shows (start them by scanning)

    @property
    def is_full(self) -> bool:
        return self.station.wip_limit is not None and self.wip_count >= self.station.wip_limit


WAITING_SHOWN = 12


def station_queue(station: Station, *, limit: int = WAITING_SHOWN) -> StationQueue:
    """Units waiting at the station's work center (the next `limit`), in progress and on hold here
    (four queries). A line with hundreds of planned units shows the next few: the operator takes
    the next one, or scans the serial of the unit in hand."""
    first_operations = (
        Operation.objects.filter(work_center=station.work_center)
        .exclude(
            Exists(Operation.objects.filter(revision=OuterRef("revision"), sequence__lt=OuterRef("sequence")))
        )
        .values("revision_id")
    )
    related = ("revision__product", "work_order", "current_step")
    waiting = list(
        Unit.objects.filter(
            status=UnitStatus.PLANNED, revision_id__in=first_operations, work_order__status="open"
        )
        .select_related(*related)
        .order_by("work_order__created_at", "serial")[: limit + 1]
    )
    arriving = list(
        Unit.objects.filter(
            status=UnitStatus.IN_PROGRESS, current_step__operation__work_center=station.work_center
        )
        .exclude(station=station)
        .select_related(*related)
        .order_by("serial")[: limit + 1]
    )
    # Here: the units in work at this station (its WIP), and units held on their way to this work
    # center from another one (shown, not counted: no station of this work center has them yet).
    here = list(
        Unit.objects.filter(
            status__in=[UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD],
            current_step__operation__work_center=station.work_center,
        )
        .filter(
            Q(station=station) | Q(status=UnitStatus.ON_HOLD) & ~Q(station__work_center=station.work_center)
        )
        .select_related(*related)
        .prefetch_related(Prefetch("holds", queryset=Hold.objects.filter(status=HoldStatus.OPEN)))
        .order_by("started_at", "serial")
    )
    coming = waiting + arriving
    return StationQueue(
        station=station,
        waiting=coming[:limit],
        more_waiting=len(coming) > limit,
        in_progress=[unit for unit in here if unit.status == UnitStatus.IN_PROGRESS],
        on_hold=[unit for unit in here if unit.status == UnitStatus.ON_HOLD],
        wip_count=sum(1 for unit in here if unit.station_id == station.pk),
    )


# ---- desk screens: help board, tablet bindings, work orders ----------------------------------


def help_board_calls(*, since: datetime, limit: int = 100) -> list[HelpCall]:
    """Open help calls and those raised since `since`, open first then newest, with their station,
    unit, step and people: one query."""
    return list(
        HelpCall.objects.filter(Q(status=HelpCallStatus.OPEN) | Q(raised_at__gte=since))
        .select_related("station", "unit", "step", "raised_by", "answered_by")
        .order_by("status", "-raised_at")[:limit]
    )


def help_call(call_id: int) -> HelpCall | None:
    return HelpCall.objects.filter(pk=call_id).first()


def tablet_bindings() -> list[TabletBinding]:
    """Every tablet binding, live ones first, with its station and who bound it: one query."""
    return list(
        TabletBinding.objects.select_related("station", "bound_by").order_by(
            "revoked_at", "station__code", "name"
        )
    )


def tablet_binding(binding_id: int) -> TabletBinding | None:
    return TabletBinding.objects.select_related("station").filter(pk=binding_id).first()


def work_orders_with_progress() -> QuerySet[WorkOrder]:
    """Work orders with product and revision, each counting its units by status (one query)."""
    return (
        WorkOrder.objects.select_related("product", "revision", "created_by")
        .defer("revision__document", "revision__raw_document")
        .annotate(
            units_planned=Count("units", filter=Q(units__status=UnitStatus.PLANNED)),
            units_in_work=Count("units", filter=Q(units__status=UnitStatus.IN_PROGRESS)),
            units_on_hold=Count("units", filter=Q(units__status=UnitStatus.ON_HOLD)),
            units_completed=Count("units", filter=Q(units__status=UnitStatus.COMPLETED)),
            units_scrapped=Count("units", filter=Q(units__status=UnitStatus.SCRAPPED)),
        )
    )


def work_orders_shown(status: str) -> QuerySet[WorkOrder]:
    """The work-order list, newest first, of one status (or "all"), with progress counts."""
    orders = work_orders_with_progress().order_by("-created_at", "-id")
    return orders if status == "all" else orders.filter(status=status)


def work_order_with_units(number: str) -> tuple[WorkOrder, list[Unit]] | None:
    """One work order with its progress counts, and its units with station and current step."""
    work_order = work_orders_with_progress().filter(number=number).first()
    if work_order is None:
        return None
    units = list(work_order.units.select_related("station", "current_step").order_by("serial"))
    return work_order, units


def product_choices() -> list[tuple[str, str]]:
    """(part number, name) of every product, for the new-work-order form."""
    return list(Product.objects.order_by("part_number").values_list("part_number", "name"))


# ---- the tablet's unit and step screens --------------------------------------------------------


def unit_for_screen(serial: str, *, user) -> Unit | None:
    """The unit `user` may see, with its revision, product, work order and station: one query
    (the revision's stored documents left out)."""
    return (
        Unit.objects.visible_to(user)
        .select_related("revision__product", "work_order", "station")
        .defer("revision__document", "revision__raw_document")
        .filter(serial=serial)
        .first()
    )


def open_holds(unit: Unit) -> list[Hold]:
    """The unit's open holds, oldest first, with their lot and NCRs: two queries."""
    return list(
        Hold.objects.filter(unit=unit, status=HoldStatus.OPEN)
        .select_related("lot")
        .prefetch_related("ncrs")
        .order_by("placed_at", "id")
    )
