"""Receiving, consuming, quarantining and releasing material lots.

Every lot status move goes through `_move()` (lock → LOT_TRANSITIONS → status), and the act
that made it is recorded by `acts.record` with the LotEvent, the audit entry and one event.
Consumption is a conditional UPDATE (`quantity_remaining >= q`) under the row lock, so the
remaining quantity never goes below zero however many tablets consume at once; the database's
CheckConstraint backs it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts
from core.contention import retry_transaction
from core.errors import Conflict, DomainError, Forbidden, NotFound, unique_or_conflict
from core.models import User
from instructions.choices import Tracking
from instructions.models import Part, RevisionPart
from line import events
from line.choices import LOT_TRANSITIONS, HoldKind, HoldStatus, LotEventKind, LotStatus, UnitStatus
from line.models import Consumption, Hold, LotEvent, MaterialLot, Station, Unit
from line.permissions import QUARANTINE_LOT

if TYPE_CHECKING:  # quality builds on the line; the line reads quality's NCRs only inside functions
    from quality.models import Ncr


@dataclass(frozen=True)
class QuarantineOutcome:
    lot: MaterialLot
    held_units: list[Unit]


@dataclass(frozen=True)
class ReleaseOutcome:
    lot: MaterialLot
    released_holds: list[Hold]


def lock_lot(lot: MaterialLot | int) -> MaterialLot:
    """The lot's row, locked for the rest of the transaction. A path that also locks the units
    that consumed the lot locks them first (`lock_units_consuming`): units before lots."""
    pk = lot.pk if isinstance(lot, MaterialLot) else lot
    return MaterialLot.objects.select_for_update(no_key=True, of=("self",)).select_related("part").get(pk=pk)


def lock_units_consuming(lot: MaterialLot | int) -> None:
    """Lock every unfinished unit that consumed the lot, in id order, before the lot is locked.

    The lock order is unit → station → lot (docs/architecture.md, "Locks"): a scan holds its unit
    and then waits for the lot, so quarantine, containment and release, which hold units of a lot,
    must not hold the lot while they wait for those units. One statement, its rows locked in id
    order. A unit that consumes the lot after this statement is locked after the lot (a rare
    inversion; the transaction retry covers the deadlock it could cause).
    """
    pk = lot.pk if isinstance(lot, MaterialLot) else lot
    consuming = Consumption.objects.filter(
        lot_id=pk, unit__status__in=[UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD]
    ).values("unit_id")
    list(
        Unit.objects.select_for_update(no_key=True)
        .filter(pk__in=consuming)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _move(lot: MaterialLot, to: str, *, reason: str) -> str:
    """The one way a lot's status changes; returns the status it moved from. The caller holds the
    lot's row lock and records the act that moved it (with `_status_row` as its history)."""
    if to not in LOT_TRANSITIONS[lot.status]:
        raise Conflict(
            "transition_refused",
            _("Lot {lot} is {status}; it cannot become {to}.").format(
                lot=lot.code, status=LotStatus(lot.status).label, to=LotStatus(to).label
            ),
            "status",
        )
    before = lot.status
    lot.status = to
    lot.status_changed_at = timezone.now()
    lot.status_reason = reason
    lot.save(update_fields=["status", "status_changed_at", "status_reason"])
    return before


def _status_row(
    lot: MaterialLot, before: str, *, actor: User | None, station: Station | None, reason: str
) -> LotEvent:
    """The unsaved history row of a lot's status move."""
    return LotEvent(
        lot=lot,
        kind=LotEventKind.STATUS,
        before=before,
        after=lot.status,
        actor=actor,
        station=station,
        reason=reason,
    )


def _expire(lot: MaterialLot, *, actor: User | None, station: Station | None, reason: str) -> None:
    """The act of a lot passing its expiry date (at receipt of a late booking, or by the daily sweep)."""
    before = _move(lot, LotStatus.EXPIRED, reason=reason)
    acts.record(
        actor=actor,
        action="lot.expired",
        subject=lot,
        station=station.code if station else "",
        summary=lot.code,
        reason=reason,
        data={"status": lot.status, "previous_status": before},
        history=_status_row(lot, before, actor=actor, station=station, reason=reason),
        event=acts.Event(
            events.LOT_EXPIRED,
            events.lot_subject(lot),
            events.lot_data(lot, previous_status=before, reason=reason),
        ),
    )


def default_part_revision(part_number: str) -> str | None:
    """The part's revision as listed by the newest release that lists the part."""
    listed = (
        RevisionPart.objects.filter(part_number=part_number)
        .exclude(revision__status="draft")
        .order_by("-revision__released_at", "-revision__id")
        .values_list("part_revision", flat=True)
        .first()
    )
    return listed


def parse_quantity(value, *, path: str = "quantity") -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(
            "invalid_quantity", _("The quantity must be a number greater than zero."), path
        ) from None
    exponent = quantity.as_tuple().exponent  # "n", "N" or "F" for a NaN or an infinity
    if (
        not quantity.is_finite()
        or not isinstance(exponent, int)  # never once finite: narrows the type
        or quantity <= 0
        or exponent < -4
        or quantity >= Decimal("1e10")
    ):
        raise DomainError(
            "invalid_quantity",
            _("The quantity must be a number greater than zero (at most 4 decimals)."),
            path,
        )
    return quantity


@retry_transaction
def receive_lot(
    *,
    part_number: str,
    lot: str,
    quantity,
    actor: User | None,
    expires_on: date | None = None,
    supplier: str = "",
    revision: str | None = None,
    station: Station | None = None,
) -> MaterialLot:
    """Receive a lot (or, for a serial-tracked part, one serial as a lot of quantity 1).

    `revision` is the part revision received; by default the one named by the newest release
    listing the part. Without `expires_on`, a part with a shelf life expires that many days from today.
    """
    code = (lot or "").strip()
    if not code:
        raise DomainError("required", _("Give the lot code."), "lot")
    part = Part.objects.filter(part_number=part_number).first()
    if part is None:
        raise NotFound(
            "unknown_part",
            _("No release lists part {part}: lots are received only for parts a release names.").format(
                part=part_number
            ),
            "part_number",
        )
    amount = parse_quantity(quantity)
    if part.tracking == Tracking.SERIAL and amount != 1:
        raise DomainError(
            "serial_quantity_one",
            _("Part {part} is tracked by serial: receive each serial as a lot of quantity 1.").format(
                part=part_number
            ),
            "quantity",
        )
    if MaterialLot.objects.filter(code=code).exists():
        raise Conflict("lot_exists", _("Lot {lot} was already received.").format(lot=code), "lot")
    part_revision = (revision or "").strip() or default_part_revision(part_number)
    if not part_revision:  # pragma: no cover - a Part always comes with a release listing it
        raise DomainError("revision_required", _("Name the part revision received."), "revision")
    if expires_on is None and part.shelf_life_days:
        expires_on = timezone.localdate() + timedelta(days=part.shelf_life_days)
    with unique_or_conflict(
        Conflict("lot_exists", _("Lot {lot} was already received.").format(lot=code), "lot")
    ):
        material_lot = MaterialLot.objects.create(
            code=code,
            part=part,
            part_revision=part_revision,
            quantity_received=amount,
            quantity_remaining=amount,
            expires_on=expires_on,
            supplier=supplier or "",
            received_by=actor,
        )
    acts.record(
        actor=actor,
        action="lot.received",
        subject=material_lot,
        station=station.code if station else "",
        summary="{} {} x {}".format(code, events.quantity(amount), part_number),
        data={
            "part_revision": part_revision,
            "expires_on": expires_on.isoformat() if expires_on else None,
            "supplier": supplier,
        },
        history=LotEvent(
            lot=material_lot,
            kind=LotEventKind.RECEIVED,
            after=LotStatus.AVAILABLE,
            quantity=amount,
            actor=actor,
            station=station,
        ),
        event=acts.Event(
            events.LOT_RECEIVED,
            events.lot_subject(material_lot),
            events.lot_data(
                material_lot,
                quantity_received=events.quantity(amount),
                expires_on=expires_on.isoformat() if expires_on else None,
                supplier=supplier,
            ),
        ),
    )
    if expires_on is not None and expires_on < timezone.localdate():
        # Received already past its date (a late booking): recorded, and never usable.
        _expire(
            material_lot,
            actor=actor,
            station=station,
            reason=_("Received after its expiry date {date}").format(date=expires_on.isoformat()),
        )
    return material_lot


def consume(
    *, lot: MaterialLot, quantity: Decimal, unit: Unit, step, actor: User, station: Station | None
) -> list[LotEvent]:
    """Take `quantity` out of a locked, checked lot (called by `scans.record_scan` in its transaction).

    The conditional UPDATE is the last guard: zero rows updated means another tablet took it first.
    Returns the lot's history rows, unsaved, for the scan's act to record: the consumption, and
    the move to consumed when it used the lot up.
    """
    updated = MaterialLot.objects.filter(
        pk=lot.pk, status=LotStatus.AVAILABLE, quantity_remaining__gte=quantity
    ).update(quantity_remaining=F("quantity_remaining") - quantity)
    if updated != 1:
        raise DomainError(
            "insufficient_quantity",
            _("Lot {lot} no longer holds {quantity}: scan another lot.").format(
                lot=lot.code, quantity=events.quantity(quantity)
            ),
            "barcode",
        )
    lot.quantity_remaining = lot.quantity_remaining - quantity
    rows = [
        LotEvent(
            lot=lot,
            kind=LotEventKind.CONSUMED,
            quantity=-quantity,
            unit=unit,
            step=step,
            actor=actor,
            station=station,
        )
    ]
    if lot.quantity_remaining == 0:
        reason = _("Used up")
        before = _move(lot, LotStatus.CONSUMED, reason=reason)
        rows.append(_status_row(lot, before, actor=actor, station=station, reason=reason))
    return rows


def check_may_quarantine(actor: User | None) -> None:
    """Quarantine, containment and release are quality's: refused (403) without `mes.quarantine_lot`.

    Checked here, not only by the views, because other services (raising an NCR with containment)
    reach these acts on behalf of identities that may raise NCRs but not hold lots or units.
    """
    if actor is None:
        return  # the system itself (a management command such as seed_demo), never a request
    if not actor.has_perm(QUARANTINE_LOT):
        raise Forbidden(
            "permission_denied",
            _(
                "{user} may not quarantine a lot or hold the units that consumed it: ask a quality inspector."
            ).format(user=actor.username),
        )


@retry_transaction
def contain_units(
    *, lot: MaterialLot, actor: User, reason: str, station: Station | None = None
) -> list[Unit]:
    """Hold every unfinished unit that consumed the lot and is not already held by this lot's containment.

    Idempotent: a unit with an open LOT_CONTAINMENT hold for this lot is left as it is, so calling
    it again (or on a lot already quarantined) holds only the units that consumed the lot since.
    Returns the units held now.
    """
    from line.services import units as unit_services

    check_may_quarantine(actor)
    lock_units_consuming(lot)
    lot = lock_lot(lot)
    already_held = Hold.objects.filter(lot=lot, kind=HoldKind.LOT_CONTAINMENT, status=HoldStatus.OPEN).values(
        "unit_id"
    )
    unit_ids = (
        Consumption.objects.filter(lot=lot, unit__status__in=[UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD])
        .exclude(unit_id__in=already_held)
        .values_list("unit_id", flat=True)
        .distinct()
        .order_by("unit_id")
    )
    held: list[Unit] = []
    for unit in Unit.objects.filter(pk__in=list(unit_ids)).order_by("pk"):
        unit_services.place_hold(
            unit=unit,
            kind=HoldKind.LOT_CONTAINMENT,
            lot=lot,
            actor=actor,
            station=station,
            reason=_("Contains quarantined lot {lot}: {reason}").format(lot=lot.code, reason=reason),
            reason_code="hold.lot_contained",
            reason_params={"lot": lot.code, "reason": reason},
        )
        held.append(unit)
    return held


@retry_transaction
def quarantine_lot(
    *, lot: MaterialLot, reason: str, actor: User, contain: bool = False, station: Station | None = None
) -> QuarantineOutcome:
    """Quality holds a lot; with `contain`, every unfinished unit that consumed it is held too
    (`contain_units`)."""
    check_may_quarantine(actor)
    if not (reason or "").strip():
        raise DomainError("reason_required", _("Say why the lot is quarantined."), "reason")
    if contain:
        lock_units_consuming(lot)
    lot = lock_lot(lot)
    if lot.status == LotStatus.QUARANTINED:
        raise Conflict(
            "lot_already_quarantined", _("Lot {lot} is already quarantined.").format(lot=lot.code), "lot"
        )
    before = _move(lot, LotStatus.QUARANTINED, reason=reason)
    held = contain_units(lot=lot, actor=actor, reason=reason, station=station) if contain else []
    acts.record(
        actor=actor,
        action="lot.quarantined",
        subject=lot,
        station=station.code if station else "",
        reason=reason,
        summary=lot.code,
        data={
            "contain": contain,
            "held_units": [unit.serial for unit in held],
            "status": lot.status,
            "previous_status": before,
        },
        history=_status_row(lot, before, actor=actor, station=station, reason=reason),
        event=acts.Event(
            events.LOT_QUARANTINED,
            events.lot_subject(lot),
            events.lot_data(
                lot,
                reason=reason,
                contain=contain,
                held_units=[unit.serial for unit in held],
                previous_status=before,
            ),
        ),
    )
    return QuarantineOutcome(lot=lot, held_units=held)


def unresolved_ncrs_naming(lot: MaterialLot, *, besides: "Ncr | None" = None) -> list[str]:
    """Numbers of the NCRs naming the lot that are not dispositioned yet (the lot's or its units')."""
    from quality.models import Ncr

    rows = Ncr.objects.unresolved().filter(lot_id=lot.pk)
    if besides is not None:
        rows = rows.exclude(pk=besides.pk)
    return list(rows.order_by("pk").values_list("number", flat=True))


@retry_transaction
def release_lot(
    *,
    lot: MaterialLot,
    reason: str,
    actor: User,
    station: Station | None = None,
    by_disposition: "Ncr | None" = None,
) -> ReleaseOutcome:
    """Quality frees a quarantined lot: back to available (or used up / expired), its containment
    holds released.

    Refused (`lot_has_open_ncr`) while an NCR naming the lot is unresolved: its signed disposition
    decides what happens to the lot and the contained units. `by_disposition` is that NCR when
    its disposition releases the lot (use as is); any other NCR still open refuses it too.
    """
    from line.services import units as unit_services

    if by_disposition is None:
        check_may_quarantine(actor)
    if not (reason or "").strip():
        raise DomainError("reason_required", _("Say why the lot is released."), "reason")
    lock_units_consuming(lot)  # release_hold locks each held unit
    lot = lock_lot(lot)
    if by_disposition is not None and by_disposition.lot_id != lot.pk:
        raise DomainError(
            "ncr_not_for_lot",
            _("{number} does not name lot {lot}.").format(number=by_disposition.number, lot=lot.code),
            "lot",
        )
    if lot.status != LotStatus.QUARANTINED:
        raise Conflict("lot_not_quarantined", _("Lot {lot} is not quarantined.").format(lot=lot.code), "lot")
    open_ncrs = unresolved_ncrs_naming(lot, besides=by_disposition)
    if open_ncrs:
        raise Conflict(
            "lot_has_open_ncr",
            _(
                "Lot {lot} is named by NCRs not yet dispositioned ({numbers}): disposition them first; "
                "a use-as-is disposition of the lot's NCR releases the lot."
            ).format(lot=lot.code, numbers=", ".join(open_ncrs)),
            "lot",
        )
    if lot.quantity_remaining == 0:
        to = LotStatus.CONSUMED
    elif lot.is_expired(timezone.localdate()):
        to = LotStatus.EXPIRED
    else:
        to = LotStatus.AVAILABLE
    before = _move(lot, to, reason=reason)
    released = []
    for hold in Hold.objects.filter(lot=lot, kind=HoldKind.LOT_CONTAINMENT, status=HoldStatus.OPEN).order_by(
        "pk"
    ):
        released.append(unit_services.release_hold(hold=hold, actor=actor, reason=reason, station=station))
    acts.record(
        actor=actor,
        action="lot.released",
        subject=lot,
        station=station.code if station else "",
        reason=reason,
        summary=lot.code,
        data={
            "status": to,
            "previous_status": before,
            "released_holds": [hold.pk for hold in released],
            "ncr": by_disposition.number if by_disposition is not None else None,
        },
        history=_status_row(lot, before, actor=actor, station=station, reason=reason),
        event=acts.Event(
            events.LOT_RELEASED,
            events.lot_subject(lot),
            events.lot_data(
                lot, reason=reason, released_holds=[hold.pk for hold in released], previous_status=before
            ),
        ),
    )
    return ReleaseOutcome(lot=lot, released_holds=released)


@retry_transaction
def expire_lots(*, on: date | None = None, actor: User | None = None) -> list[MaterialLot]:
    """Mark available lots past their expiry date as expired (a periodic task calls this)."""
    on = on or timezone.localdate()
    expired = []
    for lot in (
        MaterialLot.objects.select_for_update(no_key=True)
        .select_related("part")
        .filter(status=LotStatus.AVAILABLE, expires_on__lt=on)
        .order_by("pk")  # several lots: in id order (docs/architecture.md, "Locks")
    ):
        if lot.expires_on is None:  # filtered on expires_on__lt: never
            raise ValueError("Lot {} has no expiry date to expire on.".format(lot.code))
        _expire(
            lot,
            actor=actor,
            station=None,
            reason=_("Expired on {date}").format(date=lot.expires_on.isoformat()),
        )
        expired.append(lot)
    return expired
