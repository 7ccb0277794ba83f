"""The unit lifecycle: start, the guard every step write passes, sign-off, holds, scrap, reopen.

Every status move goes through `_move()` (check UNIT_TRANSITIONS → write the status), and the act
that made it is recorded by `acts.record` with its history row, audit entry and one event, inside
the caller's transaction with the unit locked.
"""

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts, texts
from core.choices import Role
from core.contention import retry_transaction
from core.errors import Conflict, DomainError, ErrorDetail, Forbidden
from core.models import User
from instructions import content
from instructions.choices import RevisionStatus
from instructions.models import Step
from instructions.selectors import effective_revision
from line import events
from line.access import can_work_at
from line.choices import (
    HOLD_TRANSITIONS,
    UNIT_TRANSITIONS,
    WORK_ORDER_TRANSITIONS,
    HoldKind,
    HoldStatus,
    UnitEventKind,
    UnitStatus,
    WorkOrderStatus,
)
from line.models import Hold, MaterialLot, Station, StepSignOff, Unit, UnitEvent, WorkOrder
from line.services import qualifications


@dataclass(frozen=True)
class Countersignature:
    """An inspector's user name and password, typed at the tablet at the moment of sign-off."""

    username: str
    password: str


def _move(unit: Unit, to: str, *, also_save: tuple[str, ...] = ()) -> str:
    """The one way a unit's status changes; returns the status it moved from. The caller holds the
    unit's row lock and records the act that moved it (`acts.record`): its history row carries
    `before`/`after`, its audit entry and its one event say `status` and `previous_status`.

    `also_save` names fields the caller changed with the move, written in the same UPDATE.
    """
    if to not in UNIT_TRANSITIONS[unit.status]:
        raise Conflict(
            "transition_refused",
            _("Unit {serial} is {status}; it cannot become {to}.").format(
                serial=unit.serial, status=UnitStatus(unit.status).label, to=UnitStatus(to).label
            ),
            "status",
        )
    before = unit.status
    unit.status = to
    unit.save(update_fields=["status", "updated_at", *also_save])
    return before


def _status_row(
    unit: Unit, before: str, *, actor: User | None, station: Station | None, reason: str
) -> UnitEvent:
    """The unsaved history row of a status move (the as-built record reads start, completion, scrap)."""
    return UnitEvent(
        unit=unit,
        kind=UnitEventKind.STATUS,
        before=before,
        after=unit.status,
        actor=actor,
        station=station,
        reason=reason,
    )


def _moved(before: str, unit: Unit) -> dict[str, str]:
    """What an act's audit entry and event say about the status move it made."""
    return {"status": unit.status, "previous_status": before}


def lock_unit(unit: Unit | int) -> Unit:
    """The unit's row, locked for the rest of the transaction (never check-then-act).

    Lock first, then read with its relations in a second statement: on PostgreSQL a
    `SELECT ... FOR UPDATE` that waited re-reads the locked row but keeps the joined rows it
    saw before waiting, so a joined `current_step` could be stale. The second statement sees
    everything the previous lock holder committed.

    `FOR NO KEY UPDATE`: the unit's key never changes, and the rows that point at it (consumptions,
    results, refusals, holds) take `FOR KEY SHARE` on it when inserted, which this lock admits;
    `FOR UPDATE` would make every such insert wait (docs/architecture.md, "Locks").
    """
    pk = unit.pk if isinstance(unit, Unit) else unit
    Unit.objects.select_for_update(no_key=True).filter(pk=pk).values_list("pk", flat=True).get()
    unit = (
        Unit.objects.select_related("revision__product", "work_order", "station")
        .defer("revision__document", "revision__raw_document")
        .get(pk=pk)
    )
    return with_current_step(unit)


def with_current_step(unit: Unit) -> Unit:
    """Attach the unit's current step (with its operation) from the released content, without a query."""
    released = content.step_content(unit.current_step_id)
    if released is not None:
        unit.current_step = released.step
    return unit


def _refuse_unless_workable(unit: Unit) -> None:
    if unit.status == UnitStatus.ON_HOLD:
        raise Conflict(
            "unit_on_hold",
            _(
                "Unit {serial} is on hold: nothing can be recorded until quality releases it. Call quality."
            ).format(serial=unit.serial),
            "unit",
        )
    if unit.status == UnitStatus.PLANNED:
        raise Conflict(
            "unit_not_started",
            _("Unit {serial} has not been started: start it at a station first.").format(serial=unit.serial),
            "unit",
        )
    if unit.status == UnitStatus.COMPLETED:
        raise Conflict(
            "unit_completed",
            _("Unit {serial} is already complete; its record is closed.").format(serial=unit.serial),
            "unit",
        )
    if unit.status == UnitStatus.SCRAPPED:
        raise Conflict("unit_scrapped", _("Unit {serial} was scrapped.").format(serial=unit.serial), "unit")


def _check_station(*, station: Station, actor: User, work_center: str) -> None:
    if not station.is_active:
        raise Conflict(
            "station_inactive", _("Station {code} is inactive.").format(code=station.code), "station"
        )
    if station.work_center != work_center:
        raise DomainError(
            "wrong_work_center",
            _(
                "This step is done at work center {expected}; station {code} is at {actual}. Take "
                "the unit to a {expected} station."
            ).format(expected=work_center, code=station.code, actual=station.work_center),
            "station",
        )
    if not can_work_at(actor, station):
        raise Forbidden(
            "station_not_assigned",
            _(
                "{user} is not assigned to station {code}: ask your supervisor to assign you, or "
                "sign in at your own station."
            ).format(user=actor.username, code=station.code),
            "station",
        )


def _check_wip_limit(station: Station, *, serial: str) -> None:
    """Refuse one more unit at a full station (invariant 11). The station row is locked (FOR NO KEY
    UPDATE: consumptions and refusals naming the station still insert) to serialise arrivals; in the
    lock order it comes after the unit and before any lot."""
    locked = Station.objects.select_for_update(no_key=True).get(pk=station.pk)
    if locked.wip_limit is None:
        return
    count = Unit.objects.in_progress_at(locked).count()
    if count >= locked.wip_limit:
        raise Conflict(
            "wip_limit_reached",
            _(
                "Station {code} already has {count} units in work (limit {limit}): finish or move "
                "one before starting {serial}."
            ).format(code=locked.code, count=count, limit=locked.wip_limit, serial=serial),
            "station",
        )


def lock_unit_for_step(
    *, unit: Unit, step: Step | int, actor: User, station: Station | None
) -> tuple[Unit, Step, Station]:
    """Lock the unit and check it can take work at this step and station, by this identity.

    The guard every step write passes (scan, result, tool, sign-off): unit not on hold and in
    progress, the step its current step, the station at the step's work center and assigned to
    the identity, the step's qualification held. A unit arriving at a new station of the right
    work center moves there (counted against that station's WIP limit).
    """
    unit = lock_unit(unit)
    _refuse_unless_workable(unit)
    step_id = step.pk if isinstance(step, Step) else step
    released = content.step_content(step_id)
    if released is None or released.step.revision_id != unit.revision_id:
        raise DomainError(
            "step_not_in_revision",
            _(
                "That step is not part of revision {revision} that unit {serial} is built to: reload "
                "the unit's screen."
            ).format(revision=unit.revision.revision, serial=unit.serial),
            "step",
        )
    step = released.step
    if unit.current_step_id != step.pk:
        done_before = unit.current_step is not None and unit.current_step.position > step.position
        if done_before and StepSignOff.objects.filter(unit=unit, step=step).exists():
            raise Conflict(
                "already_signed_off",
                _("Step '{step}' of unit {serial} is already signed off.").format(
                    step=step.title, serial=unit.serial
                ),
                "step",
            )
        raise Conflict(
            "step_not_current",
            _("Step '{step}' is not the current step of unit {serial}: reload the unit's screen.").format(
                step=step.title, serial=unit.serial
            ),
            "step",
        )
    station = station or unit.station
    if station is None:
        raise DomainError("station_required", _("Name the station where the work is done."), "station")
    _check_station(station=station, actor=actor, work_center=step.operation.work_center)
    qualifications.check_qualification(user=actor, qualification=step.qualification)
    if unit.station_id != station.pk:
        _check_wip_limit(station, serial=unit.serial)
        previous = unit.station.code if unit.station is not None else None
        unit.station = station
        unit.save(update_fields=["station", "updated_at"])
        acts.record(
            actor=actor,
            action="unit.moved",
            subject=unit,
            station=station.code,
            summary="{} → {}".format(previous, station.code),
        )
    return unit, step, station


@retry_transaction
def start_unit(*, unit: Unit, actor: User, station: Station) -> Unit:
    """Start a planned unit at a station: bind its revision (invariant 2), open its first step.

    Refused: a unit not planned, a revision not released (invariant 1) or superseded for this
    serial, a station at another work center than the first step's, an identity not assigned to
    the station, a station at its WIP limit (invariant 11, `wip_limit_reached`).
    """
    unit = lock_unit(unit)
    if unit.status != UnitStatus.PLANNED:
        raise Conflict(
            "unit_not_planned",
            _(
                "Unit {serial} cannot be started again: only a planned unit can be started "
                "(its status: {status})."
            ).format(serial=unit.serial, status=UnitStatus(unit.status).label),
            "unit",
        )
    revision = unit.revision
    if not revision.is_released:
        raise DomainError(
            "revision_not_released",
            _(
                "Revision {revision} of {part} is not released: units are built only to released revisions."
            ).format(revision=revision.revision, part=revision.product.part_number),
            "revision",
        )
    if revision.status == RevisionStatus.SUPERSEDED:
        effective = effective_revision(revision.product.part_number, serial=unit.serial)
        if effective is None or effective.pk != revision.pk:
            if effective is None:
                message = _(
                    "Revision {revision} no longer covers serial {serial}: engineering must move the "
                    "work order before it starts."
                ).format(revision=revision.revision, serial=unit.serial)
            else:
                message = _(
                    "Revision {revision} was superseded by revision {newer} for serial {serial}: "
                    "engineering must move the work order before it starts."
                ).format(revision=revision.revision, newer=effective.revision, serial=unit.serial)
            raise Conflict("revision_superseded", message, "revision")
    first_step = (
        Step.objects.select_related("operation").filter(revision=revision).order_by("position").first()
    )
    if first_step is None:  # pragma: no cover - accept_release refuses revisions without steps
        raise DomainError(
            "revision_empty",
            _("Revision {revision} has no steps.").format(revision=revision.revision),
            "revision",
        )
    _check_station(station=station, actor=actor, work_center=first_step.operation.work_center)
    _check_wip_limit(station, serial=unit.serial)
    now = timezone.now()
    unit.station = station
    unit.current_step = first_step
    unit.current_attempt = 1
    unit.revision_bound_at = now
    unit.started_at = now
    unit.started_by = actor
    unit.save(
        update_fields=[
            "station",
            "current_step",
            "current_attempt",
            "revision_bound_at",
            "started_at",
            "started_by",
            "updated_at",
        ]
    )
    bound = UnitEvent(
        unit=unit,
        kind=UnitEventKind.REVISION_BOUND,
        after=str(revision.pk),
        actor=actor,
        station=station,
        reason=_("Bound at start"),
        data={"revision": revision.revision, "part_number": revision.product.part_number},
    )
    before = _move(unit, UnitStatus.IN_PROGRESS)
    acts.record(
        actor=actor,
        action="unit.started",
        subject=unit,
        station=station.code,
        summary="{} rev {}".format(unit.serial, revision.revision),
        data={"revision_id": revision.pk, **_moved(before, unit)},
        history=[bound, _status_row(unit, before, actor=actor, station=station, reason=_("Started"))],
        event=acts.Event(
            events.UNIT_STARTED,
            events.unit_subject(unit),
            events.unit_data(
                unit, step={"id": first_step.pk, "title": first_step.title}, previous_status=before
            ),
        ),
    )
    return unit


def _check_countersignature(
    *, step: Step, actor: User, countersigner: Countersignature | None
) -> User | None:
    if not step.needs_inspector:
        return None
    if countersigner is None or not countersigner.username or not countersigner.password:
        raise Conflict(
            "countersignature_required",
            _(
                "This step needs an inspector's countersignature: ask an inspector to sign with "
                "their user name and password."
            ),
            "countersignature",
        )
    inspector = authenticate(None, username=countersigner.username, password=countersigner.password)
    if inspector is None:
        raise DomainError(
            "countersignature_invalid",
            _("The inspector's user name or password is wrong: the inspector signs again."),
            "countersignature",
        )
    if inspector.role not in (Role.INSPECTOR,) or inspector.is_system:
        raise DomainError(
            "countersigner_not_inspector",
            _("{user} is not a quality inspector: an inspector must countersign this step.").format(
                user=inspector.username
            ),
            "countersignature",
        )
    if inspector.pk == actor.pk:
        raise DomainError(
            "countersigner_is_operator",
            _("The countersignature must come from a second person, not the operator who signs off."),
            "countersignature",
        )
    return inspector


def _complete_work_order_if_done(work_order: WorkOrder, *, actor: User | None) -> None:
    """Close the work order when its last unit finished: one conditional UPDATE, no read-modify-write."""
    if WorkOrderStatus.COMPLETED not in WORK_ORDER_TRANSITIONS[WorkOrderStatus.OPEN]:  # pragma: no cover
        return
    unfinished = Unit.objects.filter(work_order=OuterRef("pk")).exclude(
        status__in=[UnitStatus.COMPLETED, UnitStatus.SCRAPPED]
    )
    closed = (
        WorkOrder.objects.filter(pk=work_order.pk, status=WorkOrderStatus.OPEN)
        .exclude(Exists(unfinished))
        .update(status=WorkOrderStatus.COMPLETED)
    )
    if not closed:
        return
    acts.record(
        actor=actor,
        action="work_order.completed",
        subject=work_order,
        summary=work_order.number,
        event=acts.Event(
            events.WORK_ORDER_COMPLETED,
            "work_order:{}".format(work_order.number),
            {"number": work_order.number},
        ),
    )


COUNTERSIGNATURE_REFUSALS = frozenset(
    {"countersignature_invalid", "countersigner_not_inspector", "countersigner_is_operator"}
)


def sign_off_step(
    *,
    unit: Unit,
    step: Step | int,
    actor: User,
    station: Station | None,
    countersigner: Countersignature | None = None,
) -> Step | None:
    """Close the unit's current step (invariant 3); return the next step, or None when the unit is complete.

    Refused while anything is missing (every item its own error, 409), on hold, without the
    inspector's countersignature where the step asks for one (checked now, by password). The
    countersignature is an electronic signature bound to the sign-off; a refused one is logged
    even though nothing else is written.
    """
    try:
        return _sign_off_step(unit=unit, step=step, actor=actor, station=station, countersigner=countersigner)
    except DomainError as error:
        if error.code in COUNTERSIGNATURE_REFUSALS and countersigner is not None:
            from core import signatures

            signatures.record_refusal(
                error=signatures.SignatureRefused(error.code, error.message, username=countersigner.username),
                subject=unit if isinstance(unit, Unit) else ("mes.unit", str(unit)),
                carried_by=actor,
                station=station.code if station is not None else "",
            )
        raise


@retry_transaction
def _sign_off_step(
    *,
    unit: Unit,
    step: Step | int,
    actor: User,
    station: Station | None,
    countersigner: Countersignature | None = None,
) -> Step | None:
    from line import selectors

    unit, step, station = lock_unit_for_step(unit=unit, step=step, actor=actor, station=station)
    # The guard has just checked the step's qualification for `actor`: not read again.
    missing = selectors.missing_for_step(
        unit=unit, step=step, attempt=unit.current_attempt, user=actor, qualified=True
    )
    if missing:
        raise Conflict.many([ErrorDetail(need.code, need.message, need.path) for need in missing])
    inspector = _check_countersignature(step=step, actor=actor, countersigner=countersigner)
    # The unit's row lock makes this the only sign-off of this attempt; the unique constraint is the backstop.
    sign_off = StepSignOff.objects.create(
        unit=unit,
        step=step,
        attempt=unit.current_attempt,
        actor=actor,
        countersigned_by=inspector,
        station=station,
    )
    if inspector is not None:
        from core import signatures
        from core.models import SignatureMeaning

        signatures.sign(
            signer=inspector,
            meaning=SignatureMeaning.REVIEWED,
            subject=sign_off,
            carried_by=actor,
            station=station.code,
            content={
                "act": "step_countersignature",
                "unit": unit.serial,
                "revision": {"id": unit.revision_id, "revision": unit.revision.revision},
                "step": {"id": step.pk, "position": step.position, "title": step.title},
                "attempt": sign_off.attempt,
                "operator": actor.username,
                "signed_off_at": sign_off.occurred_at,
            },
        )
    signed_off = UnitEvent(
        unit=unit,
        kind=UnitEventKind.STEP_SIGNED_OFF,
        step=step,
        actor=actor,
        station=station,
        data={"attempt": unit.current_attempt, "countersigned_by": inspector.username if inspector else None},
    )
    # Positions run 1..step_count over the whole routing: the last one needs no lookup.
    next_step = None
    if step.position < unit.revision.step_count:
        next_step = content.step_after(unit.revision_id, step.position)
        if next_step is None:  # never complete a unit on a routing that does not add up (invariant 6)
            raise RuntimeError(
                "revision {} has step_count {} but no step after position {}".format(
                    unit.revision_id, unit.revision.step_count, step.position
                )
            )
    acts.record(
        actor=actor,
        action="step.signed_off",
        subject=unit,
        station=station.code,
        summary="{} step {} {}{}".format(
            unit.serial, step.position, step.title, "" if next_step else " (unit completed)"
        ),
        data={
            "step": step.pk,
            "attempt": sign_off.attempt,
            "countersigned_by": inspector.username if inspector else None,
            "unit_completed": next_step is None,
        },
        history=signed_off,
        event=acts.Event(
            events.STEP_SIGNED_OFF,
            events.unit_subject(unit),
            events.unit_data(
                unit,
                step={"id": step.pk, "title": step.title, "position": step.position},
                attempt=sign_off.attempt,
                countersigned_by=inspector.username if inspector else None,
                next_step=next_step.pk if next_step else None,
            ),
        ),
    )
    if next_step is None:
        unit.current_step = None
        unit.completed_at = timezone.now()
        reason = _("Last step signed off")
        before = _move(unit, UnitStatus.COMPLETED, also_save=("current_step", "completed_at"))
        acts.record(
            actor=actor,
            action="unit.completed",
            subject=unit,
            station=station.code,
            summary=unit.serial,
            reason=reason,
            data=_moved(before, unit),
            history=_status_row(unit, before, actor=actor, station=station, reason=reason),
            event=acts.Event(
                events.UNIT_COMPLETED,
                events.unit_subject(unit),
                events.unit_data(unit, previous_status=before),
            ),
        )
        # The as-built record of a completed unit is final from now on (invariant 6).
        acts.record(
            actor=actor,
            action="as_built.ready",
            subject=unit,
            station=station.code,
            summary=unit.serial,
            event=acts.Event(
                events.AS_BUILT_READY,
                events.unit_subject(unit),
                events.unit_data(unit, as_built="/api/v1/units/{}/as-built".format(unit.serial)),
            ),
        )
        _complete_work_order_if_done(unit.work_order, actor=actor)
        return None
    unit.current_step = next_step
    # A step's attempt counts the times this step was worked on this unit: 1 for a step never
    # touched (even after an earlier step was reworked), one more than its last recorded attempt
    # for a step that was (its earlier records stay as they were and do not count).
    unit.current_attempt = next_attempt(unit, next_step)
    unit.save(update_fields=["current_step", "current_attempt", "updated_at"])
    return next_step


@retry_transaction
def place_hold(
    *,
    unit: Unit,
    kind: str,
    reason: str,
    actor: User | None,
    station: Station | None = None,
    lot: MaterialLot | None = None,
    step: Step | None = None,
    reason_code: str = "",
    reason_params: dict | None = None,
) -> Hold:
    """Hold a unit (invariant 5): a started unit moves to on_hold; one already held gets another reason.

    A reason the system wrote also gives its `reason_code` and `reason_params` (`core.texts`),
    so each reader sees it in their language; `reason` is the text as written.
    """
    if kind not in HoldKind.values:
        raise DomainError("invalid_hold_kind", _("Unknown kind of hold '{kind}'.").format(kind=kind), "kind")
    unit = lock_unit(unit)
    if unit.status not in (UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD):
        raise Conflict(
            "transition_refused",
            _("Unit {serial} is {status}: only a unit in work can be held.").format(
                serial=unit.serial, status=UnitStatus(unit.status).label
            ),
            "unit",
        )
    hold = Hold.objects.create(
        unit=unit,
        kind=kind,
        reason=reason,
        reason_code=reason_code or None,
        reason_params=reason_params if reason_code else None,
        lot=lot,
        step=step,
        placed_by=actor,
        station=station,
    )
    # One history row: the hold placed, with the status move it made (before → after) when it made one.
    before = _move(unit, UnitStatus.ON_HOLD) if unit.status == UnitStatus.IN_PROGRESS else unit.status
    moved = before != unit.status
    acts.record(
        actor=actor,
        action="unit.held",
        subject=unit,
        station=station.code if station else "",
        summary="{} {}".format(unit.serial, kind),
        reason=reason,
        data={"hold": hold.pk, **_moved(before, unit), **texts.coded("reason", reason_code, reason_params)},
        history=UnitEvent(
            unit=unit,
            kind=UnitEventKind.HOLD_PLACED,
            before=before if moved else "",
            after=unit.status if moved else "",
            step=step,
            actor=actor,
            station=station,
            reason=reason,
            data={"hold": hold.pk, "kind": kind, "lot": lot.code if lot else None},
        ),
        event=acts.Event(
            events.UNIT_HELD,
            events.unit_subject(unit),
            events.unit_data(
                unit,
                hold={"id": hold.pk, "kind": kind, "reason": reason, "lot": lot.code if lot else None},
                previous_status=before,
            ),
        ),
    )
    return hold


def _release_fields(
    *, actor: User | None, reason: str, release_code: str, release_params: dict | None
) -> dict:
    """What a released hold records, whoever releases it (by hand, a disposition, a scrap)."""
    return {
        "status": HoldStatus.RELEASED,
        "released_at": timezone.now(),
        "released_by": actor,
        "release_reason": reason,
        "release_code": release_code or None,
        "release_params": release_params if release_code else None,
    }


@retry_transaction
def release_hold(
    *,
    hold: Hold,
    actor: User | None,
    reason: str,
    station: Station | None = None,
    release_code: str = "",
    release_params: dict | None = None,
) -> Hold:
    """Release one hold; the unit resumes work when no other hold stays open. A release the system
    words (a disposition's) also gives `release_code` and `release_params` (`core.texts`)."""
    unit = lock_unit(hold.unit_id)
    hold = Hold.objects.select_for_update(no_key=True).get(pk=hold.pk)
    if HoldStatus.RELEASED not in HOLD_TRANSITIONS[hold.status]:
        raise Conflict("hold_not_open", _("This hold was already released."), "hold")
    released = _release_fields(
        actor=actor, reason=reason, release_code=release_code, release_params=release_params
    )
    for name, value in released.items():
        setattr(hold, name, value)
    hold.save(update_fields=list(released))
    still_held = Hold.objects.filter(unit=unit, status=HoldStatus.OPEN).exists()
    before = unit.status
    if not still_held and unit.status == UnitStatus.ON_HOLD:
        _move(unit, UnitStatus.IN_PROGRESS)
    moved = before != unit.status
    acts.record(
        actor=actor,
        action="unit.hold_released",
        subject=unit,
        station=station.code if station else "",
        summary="{} {}".format(unit.serial, hold.kind),
        reason=reason,
        data={"hold": hold.pk, **_moved(before, unit), **texts.coded("reason", release_code, release_params)},
        history=UnitEvent(
            unit=unit,
            kind=UnitEventKind.HOLD_RELEASED,
            before=before if moved else "",
            after=unit.status if moved else "",
            actor=actor,
            station=station,
            reason=reason,
            data={"hold": hold.pk, "kind": hold.kind},
        ),
        event=acts.Event(
            events.UNIT_HOLD_RELEASED,
            events.unit_subject(unit),
            events.unit_data(
                unit, hold={"id": hold.pk, "kind": hold.kind}, reason=reason, previous_status=before
            ),
        ),
    )
    return hold


@retry_transaction
def scrap_unit(
    *,
    unit: Unit,
    actor: User | None,
    reason: str,
    station: Station | None = None,
    release_code: str = "",
    release_params: dict | None = None,
) -> Unit:
    """Scrap a unit (a disposition or an engineering decision); its open holds are released with it
    (worded by `release_code` and `release_params` when the system words the release)."""
    unit = lock_unit(unit)
    before = _move(unit, UnitStatus.SCRAPPED)
    open_holds = list(Hold.objects.select_for_update(no_key=True).filter(unit=unit, status=HoldStatus.OPEN))
    Hold.objects.filter(pk__in=[hold.pk for hold in open_holds]).update(
        **_release_fields(
            actor=actor, reason=reason, release_code=release_code, release_params=release_params
        )
    )
    # Each released hold gets its history row, as a release by hand would.
    released = [
        UnitEvent(
            unit=unit,
            kind=UnitEventKind.HOLD_RELEASED,
            actor=actor,
            station=station,
            reason=reason,
            data={"hold": hold.pk, "kind": hold.kind, "by": "scrap"},
        )
        for hold in open_holds
    ]
    unit.current_step = None
    unit.save(update_fields=["current_step", "updated_at"])
    acts.record(
        actor=actor,
        action="unit.scrapped",
        subject=unit,
        station=station.code if station else "",
        reason=reason,
        data=_moved(before, unit),
        history=[_status_row(unit, before, actor=actor, station=station, reason=reason), *released],
        event=acts.Event(
            events.UNIT_SCRAPPED,
            events.unit_subject(unit),
            events.unit_data(unit, previous_status=before, reason=reason),
        ),
    )
    _complete_work_order_if_done(unit.work_order, actor=actor)
    return unit


def next_attempt(unit: Unit, step: Step) -> int:
    """The attempt number of the next time `step` is worked on `unit`: one more than the highest
    attempt any recorded act of that step on that unit carries (scan, result, tool, sign-off), so
    attempts are counted per step from the step's own history (one query)."""
    from line.models import Consumption, StepResult, ToolScan

    def attempts(model):
        return model.objects.filter(unit=unit, step=step).order_by().values_list("attempt", flat=True)

    recorded = (
        attempts(StepSignOff)
        .union(attempts(Consumption), attempts(StepResult), attempts(ToolScan))
        .order_by("-attempt")[:1]
    )
    return max(recorded, default=0) + 1


@retry_transaction
def reopen_step(
    *, unit: Unit, step: Step, actor: User | None, reason: str, station: Station | None = None
) -> Unit:
    """Send the unit back to a done step (rework, ECO migration): a new attempt, earlier records kept.

    Only a step of the unit's revision at or before its current step; the unit keeps its status
    (a held unit stays held until its holds are released).
    """
    unit = lock_unit(unit)
    if unit.status not in (UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD):
        raise Conflict(
            "transition_refused",
            _("Unit {serial} is {status}: only a unit in work can be reworked.").format(
                serial=unit.serial, status=UnitStatus(unit.status).label
            ),
            "unit",
        )
    if step.revision_id != unit.revision_id:
        raise DomainError("step_not_in_revision", _("That step is not part of the unit's revision."), "step")
    if unit.current_step is not None and step.position > unit.current_step.position:
        raise DomainError(
            "step_not_done",
            _("Step '{step}' has not been done yet: nothing to reopen.").format(step=step.title),
            "step",
        )
    unit.current_step = step
    unit.current_attempt = next_attempt(unit, step)
    unit.save(update_fields=["current_step", "current_attempt", "updated_at"])
    acts.record(
        actor=actor,
        action="step.reopened",
        subject=unit,
        station=station.code if station else "",
        summary="{} step {}".format(unit.serial, step.position),
        reason=reason,
        data={"attempt": unit.current_attempt},
        history=UnitEvent(
            unit=unit,
            kind=UnitEventKind.STEP_REOPENED,
            step=step,
            actor=actor,
            station=station,
            reason=reason,
            data={"attempt": unit.current_attempt},
        ),
        event=acts.Event(
            events.STEP_REOPENED,
            events.unit_subject(unit),
            events.unit_data(
                unit, step={"id": step.pk, "title": step.title}, attempt=unit.current_attempt, reason=reason
            ),
        ),
    )
    return unit
