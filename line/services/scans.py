"""Material scans at a step (invariant 4): checked at the scan, refused with a reason, logged.

A refused scan consumes nothing; its ScanRefusal row is written after the refused work
rolls back, so it stays even though the scan did not.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts
from core.contention import retry_transaction
from core.errors import DomainError
from core.models import User
from instructions import content
from instructions.choices import Tracking
from instructions.models import MaterialRequirement, RevisionPart, Step
from line import events
from line.barcodes import ScannedCode, gs1, parse_scan
from line.choices import LotStatus
from line.models import Consumption, MaterialLot, ScanRefusal, Station, Unit
from line.services import lots as lot_services
from line.services import scan_kinds
from line.services import units as unit_services


class ScanRefused(DomainError):
    """A refusal of a scan; carries the lot when one was identified, for the refusal log."""

    def __init__(
        self,
        code: str,
        message: str,
        path: str = "barcode",
        *,
        lot: MaterialLot | None = None,
        status: int | None = None,
    ):
        super().__init__(code, message, path, status=status)
        self.lot = lot


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def record_scan(
    *, unit: Unit, step: Step | int, barcode: str, actor: User, station: Station | None, quantity=None
) -> Consumption:
    """Consume the scanned lot into the unit at its current step, or refuse and log the refusal.

    Refusal codes: `invalid_barcode`, `unknown_lot`, `wrong_part`, `revision_not_allowed`,
    `lot_quarantined`, `lot_expired`, `lot_used_up`, `insufficient_quantity`,
    `not_required_here`, `already_complete`, `invalid_quantity`, and the guard's
    (`unit_on_hold`, `step_not_current`, `wrong_work_center`, `station_not_assigned`, ...).
    """
    try:
        return _record_scan(
            unit=unit, step=step, barcode=barcode, actor=actor, station=station, quantity=quantity
        )
    except DomainError as refusal:
        _log_refusal(
            unit=unit,
            step=step,
            barcode=barcode,
            quantity=quantity,
            actor=actor,
            station=station,
            refusal=refusal,
        )
        raise


def _log_refusal(*, unit, step, barcode, quantity, actor, station, refusal: DomainError) -> None:
    step_id = step.pk if isinstance(step, Step) else step
    if content.step_content(step_id) is None:
        step_id = None
    try:
        amount = Decimal(str(quantity)) if quantity is not None else None
        if amount is not None and (not amount.is_finite() or abs(amount) >= Decimal("1e10")):
            amount = None
    except Exception:  # noqa: BLE001 - an unreadable quantity is itself the refusal being logged
        amount = None
    with transaction.atomic():
        entry = ScanRefusal.objects.create(
            unit=unit,
            step_id=step_id,
            lot=getattr(refusal, "lot", None),
            barcode=(barcode or "")[:300],
            quantity=amount,
            code=refusal.code,
            message=str(refusal.message),
            actor=actor,
            station=station or unit.station,
        )
        acts.record(
            actor=actor,
            action="scan.refused",
            subject=unit,
            station=(station or unit.station).code if (station or unit.station) else "",
            summary="{} {}".format(refusal.code, (barcode or "")[:100]),
            data={"refusal": entry.pk, "code": refusal.code},
        )


def _requirement_for(
    *, lot: MaterialLot, requirements: list[MaterialRequirement], consumed: dict[int, Decimal]
) -> tuple[MaterialRequirement, bool]:
    """The requirement this lot's part fills (the first still open), and whether it is an alternate."""
    part_number = lot.part.part_number
    matching = [(r, False) for r in requirements if r.part_number == part_number]
    matching += [(r, True) for r in requirements if part_number in (r.alternates or [])]
    if not matching:
        needed = ", ".join(r.part_number for r in requirements)
        raise ScanRefused(
            "wrong_part",
            _("Lot {lot} is part {part}; this step needs {needed}. Put it back and scan {needed}.").format(
                lot=lot.code, part=part_number, needed=needed
            ),
            lot=lot,
        )
    for requirement, alternate in matching:
        if consumed.get(requirement.pk, Decimal(0)) < requirement.quantity:
            return requirement, alternate
    raise ScanRefused(
        "already_complete",
        _("Part {part} is already complete at this step: nothing more to scan for it.").format(
            part=part_number
        ),
        lot=lot,
    )


def _refuse_if_another_reading_names_a_lot(scanned: ScannedCode) -> None:
    """A label read without separators whose lot is unknown, but which read another way GS1
    accepts names a lot the plant has ('10H2611-01073040' = (10)H2611-0107 (30)40 with the
    separator dropped): refused as ambiguous rather than as an unknown lot."""
    candidates = {reading.get("21") or reading.get("10") for reading in scanned.other_readings} - {
        None,
        scanned.lot,
    }
    if candidates and MaterialLot.objects.filter(code__in=candidates).exists():
        raise gs1.ambiguous(scanned.ai_of_lot)


def _refuse_if_tool(barcode: str, step: Step) -> None:
    """A registered tool scanned as material: say it is a tool not used here, not "unknown lot"."""
    refusal = scan_kinds.tool_not_used_here(barcode=barcode, step=step)
    if refusal is not None:
        raise ScanRefused(refusal.code, refusal.message, refusal.path)


@retry_transaction
def _record_scan(*, unit, step, barcode, actor, station, quantity) -> Consumption:
    unit, step, station = unit_services.lock_unit_for_step(unit=unit, step=step, actor=actor, station=station)
    scanned: ScannedCode = parse_scan(barcode)
    released = content.step_content(step.pk)
    if released is None:  # lock_unit_for_step has just read the step's released content
        raise ValueError("Step {} has no released content.".format(step.pk))
    requirements = list(released.requirements)
    if not requirements:
        _refuse_if_tool(barcode, step)
        raise ScanRefused(
            "not_required_here", _("This step needs no material: nothing to scan here. Go on with the step.")
        )
    if not scanned.lot:
        raise ScanRefused(
            "invalid_barcode", _("This label names no lot (10) or serial (21): scan the lot label.")
        )
    if scanned.quantity is not None and scanned.quantity <= 0:
        # GS1 allows (30)0 and (37)0; nothing can be consumed from such a label.
        raise ScanRefused(
            "invalid_quantity",
            _(
                "The label's quantity ({ai}) is 0: nothing can be taken from it. Check the label, or "
                "enter the quantity and scan again."
            ).format(ai=scanned.quantity_ai),
        )
    lot = (
        MaterialLot.objects.select_for_update(no_key=True, of=("self",))
        .select_related("part")
        .filter(code=scanned.lot)
        .first()
    )
    if lot is None:
        _refuse_if_tool(barcode, step)
        _refuse_if_another_reading_names_a_lot(scanned)
        product_code = gs1.unknown_plain_digits(scanned)
        if product_code is not None:
            raise product_code
        if scanned.serial:
            message = _(
                "Serial {lot} was never received: check the part's label, or have material receive it."
            )
        else:
            message = _("Lot {lot} is unknown: check the label, or have material receive the lot.")
        raise ScanRefused("unknown_lot", message.format(lot=scanned.lot))
    part = lot.part
    # A GTIN may change between revisions of a part: any GTIN a release gave this part number is its own.
    known_gtins = (
        set(
            RevisionPart.objects.filter(part_number=part.part_number)
            .exclude(gtin="")
            .values_list("gtin", flat=True)
        )
        | ({part.gtin} if part.gtin else set())
        if scanned.gtin
        else set()
    )
    if scanned.gtin and known_gtins and scanned.gtin not in known_gtins:
        raise ScanRefused(
            "wrong_part",
            _(
                "The label's GTIN {gtin} is not part {part} that lot {lot} was received as: call material."
            ).format(gtin=scanned.gtin, part=part.part_number, lot=lot.code),
            lot=lot,
        )
    if part.tracking == Tracking.SERIAL and scanned.is_gs1 and scanned.serial is None:
        raise ScanRefused(
            "serial_required",
            _("Part {part} is tracked by serial: scan the label with the serial number (21).").format(
                part=part.part_number
            ),
            lot=lot,
        )
    consumed = {
        row["requirement_id"]: row["total"]
        for row in Consumption.objects.filter(unit=unit, step=step, attempt=unit.current_attempt)
        .values("requirement_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    }
    requirement, alternate = _requirement_for(lot=lot, requirements=requirements, consumed=consumed)
    if alternate:
        allowed = list(
            RevisionPart.objects.filter(
                revision_id=unit.revision_id, part_number=part.part_number
            ).values_list("part_revision", flat=True)
        )
    else:
        allowed = list(requirement.allowed_revisions)
    if lot.part_revision not in allowed:
        raise ScanRefused(
            "revision_not_allowed",
            _(
                "Lot {lot} is {part} rev {revision}; this step allows rev {allowed}. Scan a lot of "
                "an allowed revision."
            ).format(
                lot=lot.code, part=part.part_number, revision=lot.part_revision, allowed=", ".join(allowed)
            ),
            lot=lot,
        )
    today = timezone.localdate()
    if lot.status == LotStatus.QUARANTINED:
        raise ScanRefused(
            "lot_quarantined",
            _(
                "Lot {lot} is quarantined by quality: do not use it. Set it aside and scan another lot."
            ).format(lot=lot.code),
            lot=lot,
        )
    expiry = (
        min(date for date in (lot.expires_on, scanned.expires_on) if date is not None)
        if (lot.expires_on or scanned.expires_on)
        else None
    )
    if lot.status == LotStatus.EXPIRED or (expiry is not None and today > expiry):
        raise ScanRefused(
            "lot_expired",
            _("Lot {lot} expired on {date}: do not use it. Set it aside and scan another lot.").format(
                lot=lot.code, date=expiry.isoformat() if expiry else "?"
            ),
            lot=lot,
        )
    if lot.status == LotStatus.CONSUMED or lot.quantity_remaining <= 0:
        raise ScanRefused(
            "lot_used_up", _("Lot {lot} is used up: scan another lot.").format(lot=lot.code), lot=lot
        )
    open_quantity = requirement.quantity - consumed.get(requirement.pk, Decimal(0))
    if quantity is not None:
        try:
            amount = lot_services.parse_quantity(quantity)
        except DomainError as error:
            raise ScanRefused(error.code, error.message, "quantity", lot=lot) from None
    elif scanned.quantity is not None:
        amount = min(scanned.quantity, open_quantity)
    else:
        amount = open_quantity
    if amount > open_quantity:
        raise ScanRefused(
            "quantity_exceeds_requirement",
            _("This step needs only {open} more of {part}: enter {open} or less.").format(
                open=_quantity(open_quantity), part=requirement.part_number
            ),
            "quantity",
            lot=lot,
        )
    if part.tracking == Tracking.SERIAL and amount != 1:
        raise ScanRefused("invalid_quantity", _("A serial is consumed one at a time."), "quantity", lot=lot)
    if lot.quantity_remaining < amount:
        raise ScanRefused(
            "insufficient_quantity",
            _(
                "Lot {lot} holds only {remaining}; this step needs {needed}. Scan another lot, or "
                "enter {remaining} and scan a second lot for the rest."
            ).format(lot=lot.code, remaining=_quantity(lot.quantity_remaining), needed=_quantity(amount)),
            lot=lot,
        )
    try:
        lot_history = lot_services.consume(
            lot=lot, quantity=amount, unit=unit, step=step, actor=actor, station=station
        )
    except DomainError as error:
        raise ScanRefused(error.code, error.message, lot=lot) from None
    consumption = Consumption.objects.create(
        unit=unit,
        step=step,
        attempt=unit.current_attempt,
        requirement=requirement,
        lot=lot,
        part_number=part.part_number,
        part_revision=lot.part_revision,
        quantity=amount,
        barcode=(barcode or "")[:300],
        actor=actor,
        station=station,
    )
    acts.record(
        actor=actor,
        action="lot.consumed",
        subject=unit,
        station=station.code,
        summary="{} x {} ({}) into {}".format(_quantity(amount), lot.code, part.part_number, unit.serial),
        data={"consumption": consumption.pk, "lot": lot.code, "step": step.pk},
        history=lot_history,
        event=acts.Event(
            events.LOT_CONSUMED,
            events.lot_subject(lot),
            events.lot_data(
                lot,
                unit=unit.serial,
                step=step.pk,
                quantity=_quantity(amount),
                consumption=consumption.pk,
                alternate=alternate,
            ),
        ),
    )
    return consumption
