"""Units in flight across an engineering change (invariant 2).

A new revision never rebinds a unit by itself. When its release says
`in_flight: stop_and_review`, every started unit of the superseded revision is held for
engineering review (`hold_units_for_review`, inside the release's own transaction); an
engineer then decides per unit with an electronic signature (`decide_eco`): continue on
the old revision, migrate to the new one (the differing steps already done are executed
again), or scrap.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts, signatures, texts
from core.choices import Role
from core.contention import retry_transaction
from core.errors import Conflict, DomainError
from core.models import User
from instructions.compare import compare, snapshot_of
from instructions.models import Revision, Step
from instructions.selectors import revision_in_full
from line import events
from line.choices import HoldKind, HoldStatus, UnitEventKind, UnitStatus
from line.models import EcoDecision, EcoDecisionKind, Hold, Unit, UnitEvent
from line.services.units import lock_unit, next_attempt, place_hold, release_hold, scrap_unit

ECO_SIGNERS = frozenset({Role.ENGINEER})


def hold_units_for_review(*, superseded: Revision, revision: Revision, actor: User | None) -> list[Hold]:
    """Hold every started, unfinished unit of the superseded revision until an engineer decides."""
    holds = []
    units = Unit.objects.filter(
        revision=superseded, status__in=[UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD]
    ).order_by("pk")
    reason, code, params = texts.text("hold.eco_review", new=revision.revision, old=superseded.revision)
    for unit in units:
        holds.append(
            place_hold(
                unit=unit,
                kind=HoldKind.ECO_REVIEW,
                reason=reason,
                actor=actor,
                reason_code=code,
                reason_params=params,
            )
        )
    return holds


@dataclass(frozen=True)
class StepDifference:
    """A step of the old revision that the unit has done and whose definition differs in the new one."""

    old_step_id: int
    old_position: int
    title: str
    change: str  # changed (content or place) | removed
    new_step_id: int | None


def _successor(revision: Revision) -> Revision | None:
    return Revision.objects.executable().filter(supersedes=revision).order_by("-accepted_at", "-id").first()


@dataclass(frozen=True)
class StepMap:
    """How the steps of an old revision map onto a new one, computed once per pair of revisions."""

    # (old position or None, new position or None, identical?) in the new routing's order
    pairs: tuple[tuple[int | None, int | None, bool], ...]
    old_steps: dict[int, Step]
    new_steps: dict[int, Step]


def step_map(*, old: Revision, new: Revision) -> StepMap:
    old_full, new_full = revision_in_full(old.pk), revision_in_full(new.pk)
    if old_full is None or new_full is None:  # both are revisions the caller holds
        raise ValueError("Revisions {} and {} must both exist to map their steps.".format(old.pk, new.pk))
    comparison = compare(snapshot_of(old_full), snapshot_of(new_full))
    return StepMap(
        pairs=tuple(
            (
                change.old.position if change.old is not None else None,
                change.new.position if change.new is not None else None,
                change.kind == "unchanged" and not change.moved,
            )
            for change in comparison.steps
        ),
        old_steps={
            step.position: step for operation in old_full.operations.all() for step in operation.steps.all()
        },
        new_steps={
            step.position: step for operation in new_full.operations.all() for step in operation.steps.all()
        },
    )


def differing_done_steps(*, unit: Unit, mapping: StepMap) -> tuple[list[StepDifference], Step | None]:
    """The done steps of `unit` whose definition differs in the new revision, and the first step of
    the new revision the unit would execute if migrated (None: every new step matches a done,
    identical step).

    Routing is linear, so a migrated unit goes on from the first new step that is not both matched
    to a done step and identical to it; every later step is executed as usual.
    """
    done_below = (
        unit.current_step.position if unit.current_step is not None else max(mapping.old_steps, default=0) + 1
    )
    differences: list[StepDifference] = []
    resume_positions: list[int] = []
    for old_position, new_position, identical in mapping.pairs:
        old_done = old_position is not None and old_position < done_below
        if old_position is not None and old_done and not identical:
            differences.append(
                StepDifference(
                    old_step_id=mapping.old_steps[old_position].pk,
                    old_position=old_position,
                    title=mapping.old_steps[old_position].title,
                    change="removed" if new_position is None else "changed",
                    new_step_id=mapping.new_steps[new_position].pk if new_position is not None else None,
                )
            )
        if new_position is not None and not (old_done and identical):
            resume_positions.append(new_position)
    resume = mapping.new_steps[min(resume_positions)] if resume_positions else None
    return differences, resume


def _open_eco_hold(unit: Unit) -> Hold:
    hold = Hold.objects.filter(unit=unit, kind=HoldKind.ECO_REVIEW, status=HoldStatus.OPEN).first()
    if hold is None:
        raise Conflict(
            "not_held_for_eco_review",
            _("Unit {serial} is not held for engineering review: there is nothing to decide.").format(
                serial=unit.serial
            ),
            "unit",
        )
    return hold


def decide_eco(
    *,
    unit: Unit,
    decision: str,
    reason: str,
    signature: signatures.SignatureRequest | None,
    actor: User,
) -> EcoDecision:
    """An engineer's signed decision for one unit held for ECO review. Refusals change nothing;
    a refused signature is logged."""
    try:
        return _decide(unit=unit, decision=decision, reason=reason, signature=signature, actor=actor)
    except signatures.SignatureRefused as refused:
        signatures.record_refusal(
            error=refused, subject=unit, carried_by=actor
        )  # outside the rolled-back transaction
        raise


@retry_transaction
def _decide(*, unit: Unit, decision: str, reason: str, signature, actor: User) -> EcoDecision:
    if decision not in EcoDecisionKind.values:
        raise DomainError(
            "invalid_decision",
            _("'{decision}' is not a decision: use continue, migrate or scrap.").format(decision=decision),
            "decision",
        )
    if not (reason or "").strip():
        raise DomainError("reason_required", _("Say why: the reason is part of the signed record."), "reason")
    unit = lock_unit(unit)
    hold = _open_eco_hold(unit)
    old = unit.revision
    new = _successor(old)
    if new is None:
        raise Conflict(
            "no_successor",
            _("No released revision supersedes {revision}.").format(revision=old.revision),
            "unit",
        )
    signer = signatures.authenticate_signer(
        signature, roles=ECO_SIGNERS, act=_("An engineering change decision")
    )
    differences: list[StepDifference] = []
    resume: Step | None = None
    if decision == EcoDecisionKind.MIGRATE:
        differences, resume = differing_done_steps(unit=unit, mapping=step_map(old=old, new=new))
    decided_at = timezone.now()
    content = {
        "act": "eco_decision",
        "unit": unit.serial,
        "decision": decision,
        "from_revision": {"id": old.pk, "revision": old.revision, "release_id": old.release_id},
        "to_revision": {"id": new.pk, "revision": new.revision, "release_id": new.release_id},
        "reason": reason.strip(),
        "reopened_steps": [difference.old_position for difference in differences],
        "decided_at": decided_at,
    }
    # The decided hold is the subject: one signature per decision, even across several ECOs of one unit.
    signed = signatures.sign(
        signer=signer, meaning=signature.meaning, subject=hold, content=content, carried_by=actor
    )
    record = EcoDecision.objects.create(
        unit=unit,
        decision=decision,
        from_revision=old,
        to_revision=new,
        reason=reason.strip(),
        reopened_from=resume,
        differing_steps=[difference.__dict__ for difference in differences],
        signature=signed,
        decided_by=signer,
        decided_at=decided_at,
    )
    rebound = None
    if decision == EcoDecisionKind.SCRAP:
        scrap_unit(unit=unit, actor=signer, reason=reason)
    else:
        if decision == EcoDecisionKind.MIGRATE:
            rebound = _rebind(unit, new=new, resume=resume, actor=signer, reason=reason)
        release_hold(hold=hold, actor=signer, reason=reason)
    unit.refresh_from_db()
    # One act, one event: a migration's rebinding is told in the decision's event (`resume_step`),
    # its history row is the decision's.
    resumed = rebound.step if rebound is not None else None
    acts.record(
        actor=signer,
        action="unit.eco_decided",
        subject=unit,
        summary="{} {} ({} → {})".format(unit.serial, decision, old.revision, new.revision),
        reason=reason,
        data={"decision": record.pk, "signature": signed.pk},
        history=rebound,
        event=acts.Event(
            events.UNIT_ECO_DECIDED,
            events.unit_subject(unit),
            events.unit_data(
                unit,
                decision=decision,
                from_revision=old.revision,
                to_revision=new.revision,
                resume_step={"id": resumed.pk, "title": resumed.title} if resumed is not None else None,
            ),
        ),
    )
    return record


def _rebind(unit: Unit, *, new: Revision, resume: Step | None, actor: User, reason: str) -> UnitEvent:
    """The unit is bound to the new revision; it goes on from `resume` (or signs the last step again).
    Returns the history row of the rebinding, unsaved: the decision's act records it."""
    old = unit.revision
    if resume is None:
        resume = Step.objects.filter(revision=new).order_by("-position").first()
        if resume is None:  # a released revision has steps
            raise ValueError("Revision {} has no step to go on from.".format(new.pk))
    unit.revision = new
    unit.revision_bound_at = timezone.now()
    unit.current_step = resume
    unit.current_attempt = next_attempt(unit, resume)
    unit.save(
        update_fields=["revision", "revision_bound_at", "current_step", "current_attempt", "updated_at"]
    )
    return UnitEvent(
        unit=unit,
        kind=UnitEventKind.REVISION_BOUND,
        step=resume,
        actor=actor,
        reason=reason,
        data={
            "from": old.pk,
            "to": new.pk,
            "resume_position": resume.position,
            "attempt": unit.current_attempt,
        },
    )


@dataclass(frozen=True)
class UnitImpact:
    serial: str
    status: str
    current_step: Step | None
    held_for_review: bool
    differing_steps: list[StepDifference]


@dataclass(frozen=True)
class RevisionImpact:
    revision: Revision
    superseded: Revision | None
    work_orders: list
    units: list[UnitImpact]


def revision_impact(revision: Revision) -> RevisionImpact:
    """What releasing `revision` does to the line: open work orders and unfinished units on the
    revision it supersedes, and per unit the done steps whose definition differs. The step map is
    computed once, so the cost does not grow with the number of units beyond one query."""
    from line.choices import UNFINISHED_UNIT_STATUSES, WorkOrderStatus
    from line.models import WorkOrder

    superseded = revision.supersedes
    if superseded is None:
        return RevisionImpact(revision=revision, superseded=None, work_orders=[], units=[])
    mapping = step_map(old=superseded, new=revision)
    units = list(
        Unit.objects.filter(revision=superseded, status__in=UNFINISHED_UNIT_STATUSES)
        .select_related("current_step")
        .prefetch_related("holds")
        .order_by("serial")
    )
    impacts = []
    for unit in units:
        differences, _resume = (
            differing_done_steps(unit=unit, mapping=mapping)
            if unit.status != UnitStatus.PLANNED
            else ([], None)
        )
        impacts.append(
            UnitImpact(
                serial=unit.serial,
                status=unit.status,
                current_step=unit.current_step,
                held_for_review=any(
                    h.kind == HoldKind.ECO_REVIEW and h.status == HoldStatus.OPEN for h in unit.holds.all()
                ),
                differing_steps=differences,
            )
        )
    work_orders = list(
        WorkOrder.objects.filter(revision=superseded, status=WorkOrderStatus.OPEN).order_by("number")
    )
    return RevisionImpact(revision=revision, superseded=superseded, work_orders=work_orders, units=impacts)
