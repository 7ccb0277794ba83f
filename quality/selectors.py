"""Screen reads of quality: the inspector's queue and one NCR with its whole context.

Query counts are fixed (tests assert them and show they do not grow with the number of NCRs).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from core.models import Signature
from instructions.models import Operation, Product, Revision, Step
from line.choices import HoldStatus
from line.models import Consumption, Hold, StepResult
from line.selectors import WhereUsed, where_used
from quality.choices import UNRESOLVED_NCR_STATUSES, Decision, NcrStatus
from quality.models import Disposition, Ncr, NcrEvent

QUEUE_LIMIT = 200
AGE_CHOICES = {"1d": 1, "3d": 3, "7d": 7, "30d": 30}


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""  # "" = unresolved (open and in review); "all"; or one status
    work_center: str = ""
    product: str = ""
    revision: int | None = None
    age: str = ""  # older than: "1d", "3d", "7d", "30d"
    sort: str = "age"  # "age" (oldest first) or "newest"


@dataclass
class NcrQueue:
    filters: QueueFilters
    rows: list[Ncr]
    work_centers: list[str]
    products: list[tuple[str, str]]
    revisions: list[Revision]
    now: object
    is_truncated: bool = False


def ncr_queue(filters: QueueFilters) -> NcrQueue:
    """Open NCRs (or as filtered), oldest first: four queries whatever the number of NCRs."""
    now = timezone.now()
    rows = Ncr.objects.for_screens().select_related("assigned_to")
    if filters.status == "all":
        pass
    elif filters.status in NcrStatus.values:
        rows = rows.filter(status=filters.status)
    else:
        rows = rows.filter(status__in=UNRESOLVED_NCR_STATUSES)
    if filters.work_center:
        rows = rows.filter(step__operation__work_center=filters.work_center)
    if filters.product:
        rows = rows.filter(
            Q(revision__product__part_number=filters.product) | Q(lot__part__part_number=filters.product)
        )
    if filters.revision:
        rows = rows.filter(revision_id=filters.revision)
    if filters.age in AGE_CHOICES:
        rows = rows.filter(raised_at__lte=now - timedelta(days=AGE_CHOICES[filters.age]))
    rows = (
        rows.order_by("-raised_at", "-id") if filters.sort == "newest" else rows.order_by("raised_at", "id")
    )
    listed = list(rows[: QUEUE_LIMIT + 1])
    work_centers = sorted(
        set(
            Operation.objects.filter(steps__in=Ncr.objects.values("step_id")).values_list(
                "work_center", flat=True
            )
        )
    )
    products = list(
        Product.objects.filter(revisions__ncrs__isnull=False)
        .distinct()
        .order_by("part_number")
        .values_list("part_number", "name")
    )
    revisions = list(
        Revision.objects.filter(ncrs__isnull=False)
        .distinct()
        .select_related("product")
        .order_by("product__part_number", "revision")
    )
    return NcrQueue(
        filters=filters,
        rows=listed[:QUEUE_LIMIT],
        work_centers=work_centers,
        products=products,
        revisions=revisions,
        now=now,
        is_truncated=len(listed) > QUEUE_LIMIT,
    )


@dataclass
class DispositionView:
    disposition: Disposition
    lines: list
    signatures: list[Signature]


@dataclass
class NcrContext:
    ncr: Ncr
    step: Step | None
    consumptions: list[Consumption]
    results: list[StepResult]
    where_used: WhereUsed | None
    events: list[NcrEvent]
    holds: list[Hold]
    other_open: list[Ncr]
    disposition: DispositionView | None
    contained: list[Ncr] = field(default_factory=list)
    contained_units: list = field(default_factory=list)
    revision_steps: list[Step] = field(default_factory=list)

    @property
    def decisions(self) -> list[tuple[str, StrOrPromise]]:
        if self.ncr.is_lot_level:
            return [
                (value, label)
                for value, label in Decision.choices
                if value in ("use_as_is", "scrap", "return_to_vendor")
            ]
        return list(Decision.choices)

    @property
    def can_disposition(self) -> bool:
        return self.ncr.is_unresolved


def units_contained_by(ncr: Ncr) -> list:
    """Units held by containment for this NCR's lot (open containment holds), by serial."""
    from line.choices import HoldKind
    from line.models import Unit

    if ncr.lot_id is None:
        return []
    unit_ids = Hold.objects.filter(
        lot_id=ncr.lot_id, kind=HoldKind.LOT_CONTAINMENT, status=HoldStatus.OPEN
    ).values("unit_id")
    return list(Unit.objects.filter(pk__in=unit_ids).select_related("current_step").order_by("serial"))


def ncr_context(ncr_id: int) -> NcrContext | None:
    """One NCR and everything an inspector needs to decide it, on one screen."""
    ncr = (
        Ncr.objects.for_screens()
        .select_related("hold", "parent", "unit__revision__product", "unit__station", "unit__current_step")
        .filter(pk=ncr_id)
        .first()
    )
    if ncr is None:
        return None
    step = (
        Step.objects.select_related("operation").prefetch_related("media").filter(pk=ncr.step_id).first()
        if ncr.step_id
        else None
    )
    consumptions: list[Consumption] = []
    results: list[StepResult] = []
    holds: list[Hold] = []
    other_open: list[Ncr] = []
    revision_steps: list[Step] = []
    if ncr.unit_id:
        consumptions = list(
            Consumption.objects.filter(unit_id=ncr.unit_id)
            .select_related("lot", "step", "actor")
            .order_by("id")
        )
        results = list(
            StepResult.objects.filter(unit_id=ncr.unit_id)
            .select_related("characteristic", "step", "actor", "gauge")
            .order_by("id")
        )
        holds = list(
            Hold.objects.filter(unit_id=ncr.unit_id, status=HoldStatus.OPEN)
            .select_related("lot")
            .order_by("id")
        )
        other_open = list(
            Ncr.objects.unresolved().filter(unit_id=ncr.unit_id).exclude(pk=ncr.pk).order_by("id")
        )
        revision_steps = list(Step.objects.filter(revision_id=ncr.unit.revision_id).order_by("position"))
    events = list(NcrEvent.objects.filter(ncr=ncr).select_related("actor").order_by("id"))
    disposition = None
    found = Disposition.objects.filter(ncr=ncr).select_related("decided_by").prefetch_related("lines").first()
    if found is not None:
        disposition = DispositionView(
            disposition=found,
            lines=list(found.lines.all()),
            signatures=list(
                Signature.objects.filter(
                    subject_type="quality.disposition", subject_id=str(found.pk)
                ).order_by("id")
            ),
        )
    contained: list[Ncr] = []
    contained_units = []
    used = None
    if ncr.lot_id:
        used = where_used(ncr.lot)
        contained = list(Ncr.objects.filter(parent=ncr).select_related("unit").order_by("id"))
        contained_units = units_contained_by(ncr)
    return NcrContext(
        ncr=ncr,
        step=step,
        consumptions=consumptions,
        results=results,
        where_used=used,
        events=events,
        holds=holds,
        other_open=other_open,
        disposition=disposition,
        contained=contained,
        contained_units=contained_units,
        revision_steps=revision_steps,
    )


# ---- the NCR API ------------------------------------------------------------------------------


def ncr_for_api(ncr_id: int) -> Ncr | None:
    """One NCR with what its API body shows (unit, step, revision, lot, characteristic)."""
    return Ncr.objects.for_screens().filter(pk=ncr_id).first()


def disposition_with_signatures(ncr: Ncr) -> tuple[Disposition | None, list[Signature]]:
    """The NCR's disposition with its lines, and the signatures that bind it with their signers
    (three queries when dispositioned, one when not)."""
    disposition = Disposition.objects.filter(ncr=ncr).prefetch_related("lines").first()
    if disposition is None:
        return None, []
    signatures = list(
        Signature.objects.filter(subject_type="quality.disposition", subject_id=str(disposition.pk))
        .select_related("signer")
        .order_by("id")
    )
    return disposition, signatures


def ncr_page(*, status: str | None, after: int | None, limit: int) -> tuple[list[Ncr], bool]:
    """A page of NCRs, newest first by id (a cursor new NCRs never shift): at most `limit` rows
    older than `after`, of `status` when given, and whether more follow. One query."""
    rows = Ncr.objects.for_screens().order_by("-id")
    if status:
        rows = rows.filter(status=status)
    if after is not None:
        rows = rows.filter(pk__lt=after)
    page = list(rows[: limit + 1])
    return page[:limit], len(page) > limit
