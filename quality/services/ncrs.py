"""Raising NCRs (the minimum the line needs now; dispositions come with the quality issue).

Whoever owns a state changes it: the unit's hold is placed by `line.services.units.place_hold`,
called from here inside the same transaction.
"""

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts, texts
from core.choices import Role
from core.contention import retry_transaction
from core.errors import Conflict, DomainError, Forbidden, NotFound
from line.choices import HoldKind
from quality.choices import NcrEventKind, NcrSource, NcrStatus
from quality.models import Ncr, NcrEvent

NCR_RAISED = "ncr.raised"


def _provisional_number() -> str:
    # Replaced by the number derived from the row's id right after the insert (same transaction):
    # ids never collide, whereas "highest id + 1" races between two units raising at once.
    return "new-" + uuid.uuid4().hex[:16]


def _assign_number(ncr: Ncr) -> None:
    ncr.number = "NCR-{:06d}".format(ncr.pk)
    Ncr.objects.filter(pk=ncr.pk).update(number=ncr.number)


def _decimal(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def evidence_for(*, unit, step, characteristic, result, actor, station) -> dict:
    """What was known when the NCR was raised, frozen: unit, step, revision, characteristic, limits, value,
    gauge, who, when, where."""
    revision = unit.revision
    return {
        "unit": unit.serial,
        "work_order": unit.work_order.number if unit.work_order_id else None,
        "revision": {
            "id": revision.pk,
            "part_number": revision.product.part_number,
            "revision": revision.revision,
        },
        "step": {"id": step.pk, "position": step.position, "title": step.title} if step is not None else None,
        "characteristic": {
            "code": characteristic.code,
            "name": characteristic.name,
            "kind": characteristic.kind,
            "nominal": _decimal(characteristic.nominal),
            "lower": _decimal(characteristic.lower),
            "upper": _decimal(characteristic.upper),
            "unit": characteristic.unit,
            "gauge": characteristic.gauge,
        }
        if characteristic is not None
        else None,
        "result": {
            "id": result.pk,
            "value": _decimal(result.value),
            "passed": result.passed,
            "in_tolerance": result.in_tolerance,
            "gauge": result.gauge.code if result.gauge_id else None,
            "recorded_at": result.occurred_at.isoformat(),
        }
        if result is not None
        else None,
        "operator": actor.username if actor is not None else None,
        "station": station.code if station is not None else None,
        "raised_at": timezone.now().isoformat(),
    }


@retry_transaction
def raise_ncr(
    *,
    unit,
    description: str,
    actor,
    station=None,
    step=None,
    characteristic=None,
    result=None,
    lot=None,
    hold: bool = True,
    quantity=None,
    parent: Ncr | None = None,
    description_code: str = "",
    description_params: dict | None = None,
) -> Ncr:
    """Raise an NCR with its evidence and (by default) hold the unit until it is dispositioned (invariant 5).

    Automatic when `result` is out of tolerance (source `out_of_tolerance`); by hand otherwise.
    A description the system wrote also gives `description_code` and `description_params`
    (`core.texts`): every reader sees it in their own language. A person's is kept as typed.
    """
    from line.services import units as unit_services

    if not (description or "").strip():
        raise DomainError("description_required", _("Describe the non-conformance."), "description")
    source = (
        NcrSource.OUT_OF_TOLERANCE
        if result is not None
        else (NcrSource.LOT if lot is not None and step is None else NcrSource.MANUAL)
    )
    unit_hold = None
    if hold and unit is not None:
        unit_hold = unit_services.place_hold(
            unit=unit,
            kind=HoldKind.NCR,
            reason=description,
            actor=actor,
            station=station,
            lot=lot,
            step=step,
            reason_code=description_code,
            reason_params=description_params,
        )
    evidence = (
        evidence_for(
            unit=unit, step=step, characteristic=characteristic, result=result, actor=actor, station=station
        )
        if unit
        else {}
    )
    if lot is not None:
        evidence["lot"] = {
            "code": lot.code,
            "part_number": lot.part.part_number,
            "part_revision": lot.part_revision,
        }
    ncr = Ncr.objects.create(
        number=_provisional_number(),
        status=NcrStatus.OPEN,
        source=source,
        unit=unit,
        step=step,
        revision=unit.revision if unit is not None else None,
        characteristic=characteristic,
        result=result,
        lot=lot,
        hold=unit_hold,
        description=description,
        value=result.value if result is not None else None,
        description_code=description_code or None,
        description_params=description_params if description_code else None,
        evidence=evidence,
        station_code=station.code if station is not None else "",
        raised_by=actor,
        quantity=quantity,
        parent=parent,
    )
    _assign_number(ncr)
    acts.record(
        actor=actor,
        action="ncr.raised",
        subject=ncr,
        station=ncr.station_code,
        summary="{} {}".format(ncr.number, description)[:300],
        data=texts.coded("description", ncr.description_code, ncr.description_params),
        history=NcrEvent(
            ncr=ncr,
            kind=NcrEventKind.RAISED,
            after=NcrStatus.OPEN,
            actor=actor,
            station_code=ncr.station_code,
            reason=description,
            reason_code=ncr.description_code,
            reason_params=ncr.description_params,
        ),
        event=acts.Event(
            NCR_RAISED,
            "ncr:{}".format(ncr.number),
            {
                "id": ncr.pk,
                "number": ncr.number,
                "status": ncr.status,
                "source": source,
                "unit": unit.serial if unit is not None else None,
                "step": step.pk if step is not None else None,
                "characteristic": characteristic.code if characteristic is not None else None,
                "value": _decimal(ncr.value),
                "lot": lot.code if lot is not None else None,
                "hold": unit_hold.pk if unit_hold else None,
                "evidence": evidence,
            },
        ),
    )
    return ncr


def check_may_raise_on_unit(*, unit, actor) -> None:
    """An operator raises an NCR by hand only on a unit at a station they may work at; inspectors,
    engineers, administrators and integrations raise anywhere (403 `station_not_assigned`)."""
    from line.access import can_work_at

    if actor is None or getattr(actor, "role", None) != Role.OPERATOR:
        return
    if unit.station_id is None or not can_work_at(actor, unit.station):
        raise Forbidden(
            "station_not_assigned",
            _(
                "{user} is not assigned to the station of unit {serial}: report it from that station, or "
                "ask an inspector to raise the NCR."
            ).format(user=actor.username, serial=unit.serial),
            "unit",
        )


@retry_transaction
def raise_by_hand(
    *,
    description: str,
    actor,
    unit: str | None = None,
    step: int | None = None,
    lot: str | None = None,
    contain: bool = False,
    station=None,
) -> Ncr:
    """Raise an NCR by hand (the inspector's screen, `POST /api/v1/ncrs`) on a unit (and step), a lot, or
    both.

    A unit NCR holds the unit. `contain` (a lot without a unit) quarantines the lot and holds
    every unfinished unit that consumed it: that needs `mes.quarantine_lot`, which an operator or
    an integration raising NCRs does not hold (403 `permission_denied`).
    """
    from instructions.models import Step
    from line.models import MaterialLot, Unit
    from line.services import lots as lot_services
    from quality.services import containment as containment_services

    if contain:
        lot_services.check_may_quarantine(actor)
    unit_row = lot_row = step_row = None
    if unit:
        unit_row = (
            Unit.objects.select_related("revision__product", "work_order", "station")
            .filter(serial=unit)
            .first()
        )
        if unit_row is None:
            raise NotFound("unknown_unit", _("No unit {serial}.").format(serial=unit), "unit")
        check_may_raise_on_unit(unit=unit_row, actor=actor)
    if lot:
        lot_row = MaterialLot.objects.select_related("part").filter(code=lot).first()
        if lot_row is None:
            raise NotFound("unknown_lot", _("No lot {lot}.").format(lot=lot), "lot")
    if step:
        # Without a unit no step can be named (a step belongs to the unit's revision).
        step_row = (
            Step.objects.filter(pk=step, revision_id=unit_row.revision_id).first()
            if unit_row is not None
            else None
        )
        if step_row is None:
            raise DomainError(
                "step_not_in_revision", _("That step is not part of the unit's revision."), "step"
            )
    if unit_row is None and lot_row is None:
        raise DomainError("unit_or_lot_required", _("Name the unit, the lot, or both."), "unit")
    if contain and (lot_row is None or unit_row is not None):
        # Refused rather than ignored: containment is a lot-level NCR of its own.
        raise DomainError(
            "contain_needs_lot_only",
            _(
                "Containment is raised on a lot alone: leave out the unit (its hold comes with the "
                "containment), or raise the unit's NCR without 'contain'."
            ),
            "contain",
        )
    if unit_row is None and contain:
        return containment_services.contain_lot(
            lot=lot_row, description=description, actor=actor, station=station
        ).ncr
    return raise_ncr(
        unit=unit_row,
        step=step_row,
        lot=lot_row,
        description=description,
        actor=actor,
        station=station,
        hold=unit_row is not None,
        quantity=lot_row.quantity_received if unit_row is None and lot_row is not None else None,
    )


# --- The NCR lifecycle beyond raising (quality owns it) -----------------------------------------

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def lock_ncr(ncr: Ncr | int) -> Ncr:
    pk = ncr.pk if isinstance(ncr, Ncr) else ncr
    locked = Ncr.objects.select_for_update(no_key=True, of=("self",))
    return locked.select_related("unit", "lot", "step", "hold").get(pk=pk)


def _move(
    ncr: Ncr,
    to: str,
    *,
    actor,
    station_code: str = "",
    reason: str = "",
    data: dict | None = None,
    reason_code: str = "",
    kind: str = NcrEventKind.STATUS,
    history_actor=None,
) -> NcrEvent:
    """The one way an NCR's status changes: table → status → the act (`acts.record`: its history
    row, audit entry and one event). The caller holds the lock.

    The act that moves the status is one history row: a disposition's row (`kind`, written as
    `history_actor`, the first signer) carries `before` and `after` itself.
    """
    from quality import events
    from quality.choices import NCR_TRANSITIONS

    if to not in NCR_TRANSITIONS[ncr.status]:
        raise Conflict(
            "ncr_transition_refused",
            _("{number} is {status}; it cannot become {to}.").format(
                number=ncr.number, status=NcrStatus(ncr.status).label, to=NcrStatus(to).label
            ),
            "status",
        )
    before = ncr.status
    row = NcrEvent(
        ncr=ncr,
        kind=kind,
        before=before,
        after=to,
        actor=history_actor or actor,
        station_code=station_code,
        reason=reason,
        data=data or {},
        reason_code=reason_code or None,
        reason_params={} if reason_code else None,
    )
    ncr.status = to
    ncr.save(update_fields=["status"])
    acts.record(
        actor=actor,
        action=events.NCR_STATUS_EVENTS[to],
        subject=ncr,
        station=station_code,
        summary="{} {} → {}".format(ncr.number, before, to),
        reason=reason,
        data={
            **(data or {}),
            "status": to,
            "previous_status": before,
            **texts.coded("reason", reason_code, {}),
        },
        history=row,
        event=events.event(
            events.NCR_STATUS_EVENTS[to],
            ncr=ncr,
            before=before,
            previous_status=before,
            reason=reason,
            **(data or {}),
        ),
    )
    return row


@retry_transaction
def start_review(*, ncr: Ncr, actor, station=None) -> Ncr:
    """An inspector takes an open NCR into review (it stays unresolved and keeps the unit held)."""
    ncr = lock_ncr(ncr)
    _move(
        ncr,
        NcrStatus.IN_REVIEW,
        actor=actor,
        station_code=station.code if station else "",
        reason=texts.text("ncr.taken_into_review")[0],
        reason_code="ncr.taken_into_review",
    )
    ncr.assigned_to = actor
    ncr.save(update_fields=["assigned_to"])
    return ncr


@retry_transaction
def close_ncr(*, ncr: Ncr, actor, reason: str, station=None) -> Ncr:
    """Close a dispositioned NCR once its outcome is verified (rework redone, RTV shipped)."""
    if not (reason or "").strip():
        raise DomainError(
            "reason_required", _("Say why the NCR can be closed (what was verified)."), "reason"
        )
    ncr = lock_ncr(ncr)
    _move(ncr, NcrStatus.CLOSED, actor=actor, station_code=station.code if station else "", reason=reason)
    ncr.closed_at = timezone.now()
    ncr.closed_by = actor
    ncr.save(update_fields=["closed_at", "closed_by"])
    return ncr


def check_photo(photo) -> str:
    """Refuse anything but a JPEG/PNG/WebP/HEIC image of at most 10 MB; return its content type.

    The type is read from the file's first bytes, not trusted from the browser.
    """
    if photo.size > PHOTO_MAX_BYTES:
        raise DomainError(
            "photo_too_large",
            _("The photo is larger than {limit} MB: take it again at a lower resolution.").format(
                limit=PHOTO_MAX_BYTES // (1024 * 1024)
            ),
            "photo",
        )
    head = photo.read(16)
    photo.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heif"):
        return "image/heic"
    raise DomainError("photo_not_an_image", _("The photo must be a JPEG, PNG, WebP or HEIC image."), "photo")


@retry_transaction
def report_problem(*, unit, step, description: str, actor, station=None, photo=None) -> Ncr:
    """An operator reports a problem from the step screen: an NCR that holds the unit, with an optional
    photo."""
    from django.core.files.base import ContentFile

    check_may_raise_on_unit(unit=unit, actor=actor)
    content_type = check_photo(photo) if photo is not None else ""
    if step is not None and step.revision_id != unit.revision_id:
        raise DomainError("step_not_in_revision", _("That step is not part of the unit's revision."), "step")
    ncr = raise_ncr(unit=unit, step=step, description=description, actor=actor, station=station)
    if photo is not None:
        name = "{}.{}".format(ncr.number, PHOTO_TYPES[content_type])
        ncr.photo.save(name, ContentFile(photo.read()), save=False)
        ncr.photo_content_type = content_type
        ncr.save(update_fields=["photo", "photo_content_type"])
        NcrEvent.objects.create(
            ncr=ncr,
            kind=NcrEventKind.NOTE,
            actor=actor,
            station_code=ncr.station_code,
            reason=texts.text("ncr.photo_attached")[0],
            reason_code="ncr.photo_attached",
            reason_params={},
            data={"photo": ncr.photo.name, "content_type": content_type},
        )
    return ncr
