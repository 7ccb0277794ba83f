"""Dispositioning an NCR: the decision, its electronic signatures, and what it does to the unit or lot.

`disposition_ncr` is the one write path for the screen, the API and any agent. The signer
re-enters user name and password now (`core.signatures`); only inspectors sign; decisions
named in `THREADLINE_REVIEW_BOARD_DECISIONS` (default use-as-is and repair) need a second
inspector's signature. The signed content (NCR, decisions, reason, time) is hashed and that hash
is on every signature. Outcomes are the line's own services, inside this transaction:
`reopen_step` (rework, repair's re-inspection), `scrap_unit`, `release_hold`, and the lot's
`quarantine_lot` / `release_lot(by_disposition=ncr)`. A unit's holds are released only when no
other NCR of the unit is still unresolved (invariant 5), asked after the unit's row is locked so
an NCR raised meanwhile keeps the hold instead of rolling the signed disposition back; a lot is
released only when no other NCR naming it is unresolved.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts, signatures, texts
from core.choices import Role
from core.contention import retry_transaction
from core.errors import Conflict, DomainError
from core.models import User
from core.signatures import SignatureRefused, SignatureRequest, record_refusal
from instructions.models import Step
from line.choices import HoldKind, HoldStatus, LotStatus
from line.models import Hold, Station, Unit
from line.services import dispositions as unit_dispositions
from line.services import lots as lot_services
from line.services import units as unit_services
from quality.choices import (
    DEFAULT_REVIEW_BOARD_DECISIONS,
    LOT_DECISIONS,
    SPLIT_DECISION,
    Decision,
    NcrEventKind,
    NcrStatus,
)
from quality.models import Disposition, DispositionLine, Ncr, NcrEvent
from quality.services import ncrs as ncr_services

SIGNERS = frozenset({Role.INSPECTOR})


@dataclass(frozen=True)
class DecisionLine:
    """One decision; a lot-level NCR may carry several, each with its share of the quantity."""

    decision: str
    quantity: Decimal | None = None
    rework_steps: tuple[int, ...] = ()
    repair_note: str = ""
    rtv_reference: str = ""


@dataclass
class DispositionOutcome:
    disposition: Disposition
    released_holds: list[Hold] = field(default_factory=list)
    kept_on_hold_by: list[str] = field(default_factory=list)


def review_board_decisions() -> frozenset[str]:
    configured = getattr(settings, "THREADLINE_REVIEW_BOARD_DECISIONS", DEFAULT_REVIEW_BOARD_DECISIONS)
    return frozenset(configured)


def disposition_ncr(
    *,
    ncr: Ncr,
    reason: str,
    signatures: Sequence[SignatureRequest],
    actor: User,
    decision: str | None = None,
    lines: Sequence[DecisionLine] | None = None,
    rework_steps: Sequence[int] = (),
    repair_note: str = "",
    rtv_reference: str = "",
    station: Station | None = None,
) -> DispositionOutcome:
    """Decide an NCR, signed now by one inspector (two for review-board decisions), and act on the unit or
    lot.

    `decision` (with `rework_steps`, `repair_note`, `rtv_reference`) for one decision, or `lines`
    to split a lot-level NCR's quantity. A refused signature is logged, and nothing else changes.
    """
    try:
        return _disposition(
            ncr=ncr,
            reason=reason,
            signature_requests=list(signatures),
            actor=actor,
            decision=decision,
            lines=lines,
            rework_steps=rework_steps,
            repair_note=repair_note,
            rtv_reference=rtv_reference,
            station=station,
        )
    except SignatureRefused as error:
        record_refusal(error=error, subject=ncr, carried_by=actor, station=station.code if station else "")
        raise


def _signers(requests: list[SignatureRequest], *, needs_board: bool) -> list[tuple[User, str]]:
    act = _("A disposition")
    if not requests:
        raise SignatureRefused(
            "signature_required",
            _("A disposition needs an inspector's electronic signature: enter your user name and password."),
        )
    if len(requests) > 2:
        raise DomainError(
            "too_many_signatures",
            _("A disposition carries one signature, or two for a review-board decision."),
            "signatures",
        )
    signers = [
        (signatures.authenticate_signer(request, roles=SIGNERS, act=act), request.meaning)
        for request in requests
    ]
    if len(signers) == 2 and signers[0][0].pk == signers[1][0].pk:
        raise SignatureRefused(
            "review_board_same_person",
            _("The second signature must come from a different inspector than the first."),
            "signatures/1",
            username=signers[1][0].username,
        )
    if needs_board and len(signers) < 2:
        raise SignatureRefused(
            "review_board_signature_required",
            _("This decision needs the review board: a second inspector must sign too."),
            "signatures/1",
            username=signers[0][0].username,
        )
    return signers


def _lines(ncr: Ncr, *, decision, lines, rework_steps, repair_note, rtv_reference) -> list[DecisionLine]:
    if lines is None:
        if not decision:
            raise DomainError("decision_required", _("Choose a decision."), "decision")
        lines = [
            DecisionLine(
                decision=decision,
                rework_steps=tuple(rework_steps),
                repair_note=repair_note or "",
                rtv_reference=rtv_reference or "",
            )
        ]
    lines = list(lines)
    if not lines:
        raise DomainError("decision_required", _("Choose a decision."), "decision")
    for index, line in enumerate(lines):
        path = "lines/{}".format(index) if len(lines) > 1 else "decision"
        if line.decision not in Decision.values:
            raise DomainError(
                "invalid_decision",
                _("'{decision}' is not a decision. Use one of: {decisions}.").format(
                    decision=line.decision, decisions=", ".join(Decision.values)
                ),
                path,
            )
        if line.decision == Decision.REWORK and not ncr.is_lot_level and not line.rework_steps:
            raise DomainError("rework_steps_required", _("Name the steps to rework."), "rework_steps")
        if line.decision == Decision.REPAIR and not line.repair_note.strip():
            raise DomainError(
                "repair_note_required", _("Describe the repair in the repair note."), "repair_note"
            )
        if line.decision == Decision.RETURN_TO_VENDOR and ncr.lot_id is None:
            raise DomainError("rtv_needs_lot", _("Return to vendor needs the NCR to name a lot."), path)
    if ncr.is_lot_level:
        for index, line in enumerate(lines):
            if line.decision not in LOT_DECISIONS:
                raise DomainError(
                    "decision_not_for_lot",
                    _(
                        "A lot is used as is, scrapped or returned to its vendor; rework and repair are "
                        "decided per unit."
                    ),
                    "lines/{}".format(index),
                )
        total = ncr.quantity
        if total is None:
            if ncr.lot is None:  # a lot-level NCR names its lot
                raise ValueError("{} names no lot.".format(ncr.number))
            total = ncr.lot.quantity_remaining
        if len(lines) == 1 and lines[0].quantity is None:
            lines = [
                DecisionLine(decision=lines[0].decision, quantity=total, rtv_reference=lines[0].rtv_reference)
            ]
        if any(line.quantity is None or line.quantity <= 0 for line in lines):
            raise DomainError(
                "quantity_required", _("Give each decision its quantity (greater than zero)."), "lines"
            )
        if sum(line.quantity for line in lines) != total:
            raise DomainError(
                "split_does_not_add_up",
                _("The quantities add up to {sum}; the NCR covers {total}.").format(
                    sum=format(sum(line.quantity for line in lines).normalize(), "f"),
                    total=format(total.normalize(), "f"),
                ),
                "lines",
            )
    elif len(lines) != 1:
        raise DomainError("one_decision_per_unit", _("A unit NCR takes exactly one decision."), "lines")
    return lines


def _rework_steps(ncr: Ncr, step_ids: Sequence[int]) -> list[Step]:
    if ncr.unit is None:  # rework is decided on a unit NCR only
        raise ValueError("{} names no unit to rework.".format(ncr.number))
    steps = list(
        Step.objects.filter(pk__in=list(step_ids), revision_id=ncr.unit.revision_id).order_by("position")
    )
    if len(steps) != len(set(step_ids)):
        raise DomainError(
            "step_not_in_revision",
            _("Every rework step must be a step of the unit's revision."),
            "rework_steps",
        )
    return steps


def signed_content(
    ncr: Ncr, *, lines: list[DecisionLine], reason: str, signed_at, signers: list[tuple[User, str]]
) -> dict:
    """Exactly what the signatures bind: the NCR as it stands, each decision, the reason, the time and who
    signs."""
    return {
        "ncr": {
            "id": ncr.pk,
            "number": ncr.number,
            "unit": ncr.unit.serial if ncr.unit is not None else None,
            "step": ncr.step_id,
            "revision": ncr.revision_id,
            "characteristic": ncr.characteristic.code if ncr.characteristic is not None else None,
            "value": ncr.value,
            "lot": ncr.lot.code if ncr.lot is not None else None,
            "quantity": ncr.quantity,
            "description": ncr.description,
            "raised_at": ncr.raised_at,
        },
        "decisions": [
            {
                "decision": line.decision,
                "quantity": line.quantity,
                "rework_steps": sorted(line.rework_steps),
                "repair_note": line.repair_note,
                "rtv_reference": line.rtv_reference,
            }
            for line in lines
        ],
        "reason": reason,
        "signed_at": signed_at,
        "signers": [{"username": user.username, "meaning": meaning} for user, meaning in signers],
    }


def other_unresolved_ncrs(ncr: Ncr) -> list[str]:
    if ncr.unit_id is None:
        return []
    return list(
        Ncr.objects.unresolved()
        .filter(unit_id=ncr.unit_id)
        .exclude(pk=ncr.pk)
        .order_by("pk")
        .values_list("number", flat=True)
    )


@retry_transaction
def release_unit_holds(
    *,
    ncr: Ncr,
    actor: User,
    reason: str,
    station: Station | None = None,
    release_code: str = "",
    release_params: dict | None = None,
) -> list[Hold]:
    """Release the unit's NCR holds (and its containment hold for this NCR's lot) once the NCR is decided.

    Refused (`other_ncr_open`) while another NCR of the unit is unresolved: a hold is released
    only when the unit has no other open NCR (invariant 5).
    """
    ncr = ncr_services.lock_ncr(ncr)
    if ncr.unit_id is None:  # a lot NCR holds no unit
        raise ValueError("{} names no unit whose holds to release.".format(ncr.number))
    unit_services.lock_unit(ncr.unit_id)
    if ncr.is_unresolved:
        raise Conflict(
            "ncr_not_dispositioned",
            _("{number} is not dispositioned yet: its hold stays.").format(number=ncr.number),
            "ncr",
        )
    others = other_unresolved_ncrs(ncr)
    if others:
        raise Conflict(
            "other_ncr_open",
            _(
                "Unit {serial} still has open NCRs ({numbers}): its hold is released when they are "
                "dispositioned too."
            ).format(serial=_unit_of(ncr).serial, numbers=", ".join(others)),
            "unit",
        )
    holds = Hold.objects.filter(unit_id=ncr.unit_id, status=HoldStatus.OPEN, kind=HoldKind.NCR)
    if ncr.lot_id is not None and ncr.parent_id is not None:
        holds = holds | Hold.objects.filter(
            unit_id=ncr.unit_id, status=HoldStatus.OPEN, kind=HoldKind.LOT_CONTAINMENT, lot_id=ncr.lot_id
        )
    released = [
        unit_services.release_hold(
            hold=hold,
            actor=actor,
            reason=reason,
            station=station,
            release_code=release_code,
            release_params=release_params,
        )
        for hold in holds.order_by("pk")
    ]
    return released


@retry_transaction
def _disposition(
    *,
    ncr: Ncr,
    reason: str,
    signature_requests: list[SignatureRequest],
    actor: User,
    decision,
    lines,
    rework_steps,
    repair_note,
    rtv_reference,
    station: Station | None,
) -> DispositionOutcome:
    if not (reason or "").strip():
        raise DomainError("reason_required", _("Give the reason for the decision."), "reason")
    ncr = ncr_services.lock_ncr(ncr)
    if ncr.status == NcrStatus.CLOSED:
        raise Conflict(
            "ncr_closed",
            _("{number} is closed: it cannot be dispositioned again.").format(number=ncr.number),
            "ncr",
        )
    if not ncr.is_unresolved or Disposition.objects.filter(ncr=ncr).exists():
        raise Conflict(
            "ncr_already_dispositioned",
            _(
                "{number} was already dispositioned: a second decision is refused. Raise a new NCR if "
                "something changed."
            ).format(number=ncr.number),
            "ncr",
        )
    decided = _lines(
        ncr,
        decision=decision,
        lines=lines,
        rework_steps=rework_steps,
        repair_note=repair_note,
        rtv_reference=rtv_reference,
    )
    needs_board = any(line.decision in review_board_decisions() for line in decided)
    signers = _signers(signature_requests, needs_board=needs_board)
    rework = (
        _rework_steps(ncr, decided[0].rework_steps)
        if decided[0].decision == Decision.REWORK and ncr.unit_id
        else []
    )
    station_code = station.code if station else ""
    now = timezone.now()
    content = signatures.normalised(
        signed_content(ncr, lines=decided, reason=reason, signed_at=now, signers=signers)
    )
    digest = signatures.content_hash(content)
    try:
        with transaction.atomic():
            disposition = Disposition.objects.create(
                ncr=ncr,
                reason=reason,
                decided_at=now,
                decided_by=signers[0][0],
                carried_by=actor,
                content=content,
                content_hash=digest,
                station_code=station_code,
            )
    except IntegrityError:
        raise Conflict(
            "ncr_already_dispositioned",
            _("{number} was already dispositioned: a second decision is refused.").format(number=ncr.number),
            "ncr",
        ) from None
    for line in decided:
        DispositionLine.objects.create(
            disposition=disposition,
            decision=line.decision,
            quantity=line.quantity,
            rework_steps=sorted(line.rework_steps),
            repair_note=line.repair_note,
            rtv_reference=line.rtv_reference,
        )
    for signer, meaning in signers:
        signature = signatures.sign(
            signer=signer,
            meaning=meaning,
            subject=disposition,
            content=content,
            carried_by=actor,
            station=station_code,
            signed_at=now,
        )
        NcrEvent.objects.create(
            ncr=ncr,
            kind=NcrEventKind.SIGNED,
            actor=signer,
            station_code=station_code,
            reason=signature.get_meaning_display(),
            data={"signature": signature.pk, "meaning": meaning, "content_hash": digest},
        )
    ncr.decision = decided[0].decision if len(decided) == 1 else SPLIT_DECISION
    ncr.decided_at = now
    ncr.decided_by = signers[0][0]
    ncr.decision_reason = reason
    ncr.save(update_fields=["decision", "decided_at", "decided_by", "decision_reason"])
    # One act, one history row: the disposition row says the status move too (before → after).
    ncr_services._move(
        ncr,
        NcrStatus.DISPOSITIONED,
        kind=NcrEventKind.DISPOSITION,
        history_actor=signers[0][0],
        actor=actor,
        station_code=station_code,
        reason=reason,
        data={
            "decisions": content["decisions"],
            "content_hash": digest,
            "signers": [signer.username for signer, _meaning in signers],
        },
    )
    outcome = DispositionOutcome(disposition=disposition)
    if ncr.unit_id is not None:
        _act_on_unit(
            ncr, decided[0], rework=rework, actor=actor, reason=reason, station=station, outcome=outcome
        )
    else:
        _act_on_lot(ncr, decided, actor=actor, reason=reason, station=station)
    return outcome


def _unit_of(ncr: Ncr) -> Unit:
    """The unit of an NCR raised on one (the acts on a unit are decided for those only)."""
    if ncr.unit is None:
        raise ValueError("{} names no unit.".format(ncr.number))
    return ncr.unit


def _quarantine_if_needed(ncr: Ncr, *, actor: User, reason: str, station: Station | None) -> None:
    if ncr.lot_id is None:  # called for NCRs that name a lot
        raise ValueError("{} names no lot to quarantine.".format(ncr.number))
    lot = lot_services.lock_lot(ncr.lot_id)
    if lot.status != LotStatus.QUARANTINED:
        lot_services.quarantine_lot(lot=lot, reason=reason, actor=actor, contain=False, station=station)


def _act_on_unit(
    ncr: Ncr,
    line: DecisionLine,
    *,
    rework: list[Step],
    actor: User,
    reason: str,
    station,
    outcome: DispositionOutcome,
) -> None:
    label = "{}: {}".format(ncr.number, reason)
    # Each hold released here names this NCR, its decision and the inspector's reason as typed.
    release = {
        "release_code": "hold.released_by_disposition",
        "release_params": {"ncr": ncr.number, "decision": line.decision, "reason": reason},
    }
    # The unit's row lock first, then the question "does another NCR still hold it?": an NCR
    # raised on the unit meanwhile waits for this transaction (place_hold locks the unit too), so
    # the answer cannot change before the holds are released.
    if ncr.unit_id is None:  # called for unit NCRs only
        raise ValueError("{} names no unit to act on.".format(ncr.number))
    unit_services.lock_unit(ncr.unit_id)
    if line.decision == Decision.SCRAP:
        unit_services.scrap_unit(unit=_unit_of(ncr), actor=actor, reason=label, station=station, **release)
        return
    if line.decision == Decision.REWORK:
        # The earliest named step reopens as a new attempt; every step after it is done again in
        # order, each as a new attempt. The first attempt's records stay as they were.
        unit_dispositions.reopen_for_rework(
            unit=_unit_of(ncr), step=rework[0], actor=actor, reason=label, station=station
        )
    elif line.decision == Decision.REPAIR and ncr.step is not None:
        # Re-inspection: the NCR's step opens again so its characteristics are measured again.
        unit_dispositions.reopen_for_rework(
            unit=_unit_of(ncr), step=ncr.step, actor=actor, reason=label, station=station
        )
    elif line.decision == Decision.RETURN_TO_VENDOR:
        _quarantine_if_needed(ncr, actor=actor, reason=label, station=station)
    others = other_unresolved_ncrs(ncr)
    if others:
        outcome.kept_on_hold_by = others
        note, code, params = texts.text("ncr.hold_kept", numbers=", ".join(others))
        NcrEvent.objects.create(
            ncr=ncr, kind=NcrEventKind.NOTE, actor=actor, reason=note, reason_code=code, reason_params=params
        )
        return
    outcome.released_holds = release_unit_holds(
        ncr=ncr, actor=actor, reason=label, station=station, **release
    )


def _act_on_lot(ncr: Ncr, lines: list[DecisionLine], *, actor: User, reason: str, station) -> None:
    if ncr.lot_id is None:  # called for lot NCRs only
        raise ValueError("{} names no lot to act on.".format(ncr.number))
    label = "{}: {}".format(ncr.number, reason)
    if all(line.decision == Decision.USE_AS_IS for line in lines):
        lot_services.lock_units_consuming(
            ncr.lot_id
        )  # units before the lot: release_lot releases their holds
        lot = lot_services.lock_lot(ncr.lot_id)
        if lot.status != LotStatus.QUARANTINED:
            return
        others = lot_services.unresolved_ncrs_naming(lot, besides=ncr)
        if others:
            # The lot stays quarantined (and its units contained) until those are dispositioned too.
            note, code, params = texts.text(
                "ncr.lot_stays_quarantined", lot=lot.code, numbers=", ".join(others)
            )
            NcrEvent.objects.create(
                ncr=ncr,
                kind=NcrEventKind.NOTE,
                actor=actor,
                reason=note,
                reason_code=code,
                reason_params=params,
            )
            return
        lot_services.release_lot(lot=lot, reason=label, actor=actor, station=station, by_disposition=ncr)
        return
    # Part of the lot goes back or is scrapped: the lot stays out of use until it is split physically.
    _quarantine_if_needed(ncr, actor=actor, reason=label, station=station)
    if ncr.lot is None:  # lot_id is set
        raise ValueError("{} names no lot.".format(ncr.number))
    acts.record(
        actor=actor,
        action="lot.dispositioned",
        subject=ncr.lot,
        station=station.code if station else "",
        summary="{} {}".format(
            ncr.lot.code, ", ".join("{} {}".format(line.decision, line.quantity) for line in lines)
        ),
        data={"ncr": ncr.number, "rtv": [line.rtv_reference for line in lines if line.rtv_reference]},
    )
