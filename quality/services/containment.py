"""Containment: hold every unfinished unit that consumed a suspect lot, and act on them together.

Quarantine and the holds are the line's (`quarantine_lot`, `contain_units`); quality adds the
lot-level NCR that records why, and the act on all contained units at once, where each unit
still gets its own NCR, its own disposition and its own signature. Containing needs
`mes.quarantine_lot`, checked by the line's services whoever calls them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core import texts
from core.contention import retry_transaction
from core.errors import DomainError
from core.models import User
from core.signatures import SignatureRefused, SignatureRequest, record_refusal
from line.choices import LotStatus
from line.models import MaterialLot, Station, Unit
from line.services import lots as lot_services
from quality.choices import NcrEventKind
from quality.models import Ncr, NcrEvent
from quality.services import dispositions as disposition_services
from quality.services import ncrs as ncr_services


@dataclass
class ContainmentOutcome:
    ncr: Ncr
    held_units: list[Unit] = field(default_factory=list)


@retry_transaction
def contain_lot(
    *, lot: MaterialLot, description: str, actor: User, station: Station | None = None
) -> ContainmentOutcome:
    """Raise a lot-level NCR, quarantine the lot and hold every unfinished unit that consumed it.

    Whatever the lot's status: a lot already quarantined (without containment, or before more
    units consumed it) still gets every consuming unit held (`contain_units` is idempotent).
    """
    lot_services.check_may_quarantine(actor)
    ncr = ncr_services.raise_ncr(
        unit=None,
        lot=lot,
        description=description,
        actor=actor,
        station=station,
        hold=False,
        quantity=lot.quantity_received,
    )
    reason = "{}: {}".format(ncr.number, description)
    lot_services.lock_units_consuming(lot)  # units before the lot (docs/architecture.md, "Locks")
    locked = lot_services.lock_lot(lot)
    if locked.status == LotStatus.QUARANTINED:
        held = lot_services.contain_units(lot=locked, actor=actor, reason=reason, station=station)
    else:
        held = lot_services.quarantine_lot(
            lot=locked, reason=reason, actor=actor, contain=True, station=station
        ).held_units
    NcrEvent.objects.create(
        ncr=ncr,
        kind=NcrEventKind.CONTAINMENT,
        actor=actor,
        reason=description,
        data={"held_units": [unit.serial for unit in held]},
    )
    return ContainmentOutcome(ncr=ncr, held_units=held)


def contained_units(ncr: Ncr) -> list[Unit]:
    """Units held by containment for this NCR's lot, still unfinished."""
    from quality.selectors import units_contained_by

    return units_contained_by(ncr)


def disposition_contained_units(
    *,
    ncr: Ncr,
    serials: Sequence[str],
    decision: str,
    reason: str,
    signatures: Sequence[SignatureRequest],
    actor: User,
    rework_steps: Sequence[int] = (),
    repair_note: str = "",
    station: Station | None = None,
) -> list[disposition_services.DispositionOutcome]:
    """Act on several contained units at once: each gets its own NCR (child of the lot NCR), its own
    disposition and its own signature rows. All or nothing."""
    try:
        return _disposition_contained(
            ncr=ncr,
            serials=serials,
            decision=decision,
            reason=reason,
            signatures=list(signatures),
            actor=actor,
            rework_steps=rework_steps,
            repair_note=repair_note,
            station=station,
        )
    except SignatureRefused as error:
        record_refusal(error=error, subject=ncr, carried_by=actor, station=station.code if station else "")
        raise


@retry_transaction
def _disposition_contained(
    *, ncr, serials, decision, reason, signatures, actor, rework_steps, repair_note, station
):
    if ncr.lot_id is None:
        raise DomainError(
            "ncr_has_no_lot", _("This NCR names no lot: there is no containment to act on."), "ncr"
        )
    if not serials:
        raise DomainError("units_required", _("Choose the contained units to act on."), "units")
    held = {unit.serial: unit for unit in contained_units(ncr)}
    unknown = [serial for serial in serials if serial not in held]
    if unknown:
        raise DomainError(
            "unit_not_contained",
            _("Not held by this containment: {serials}.").format(serials=", ".join(unknown)),
            "units",
        )
    outcomes = []
    for serial in serials:
        unit = held[serial]
        child = Ncr.objects.unresolved().filter(unit=unit, parent=ncr).first()
        if child is None:
            # The lot NCR's description is rendered in the language of whoever reads it: its text
            # as the reader sees it now is kept beside the code for older readers.
            description, code, params = texts.text(
                "ncr.lot_contained", lot=ncr.lot.code, number=ncr.number, description=ncr.description_text
            )
            child = ncr_services.raise_ncr(
                unit=unit,
                lot=ncr.lot,
                parent=ncr,
                hold=False,
                actor=actor,
                station=station,
                description=description,
                description_code=code,
                description_params=params,
            )
        outcomes.append(
            disposition_services.disposition_ncr(
                ncr=child,
                decision=decision,
                reason=reason,
                signatures=signatures,
                actor=actor,
                rework_steps=rework_steps,
                repair_note=repair_note,
                station=station,
            )
        )
    return outcomes
