"""Unit-side acts a quality disposition needs that `mes.services.units` does not offer as such.

Written by quality (issue 4) on top of the line's own helpers (`lock_unit`, the UnitEvent kinds,
the outbox events); the unit's status still changes only through `units._move`.

`reopen_for_rework`: `units.reopen_step` numbers the new attempt after the step's last
sign-off, which is right for a done step; for the step the unit is at now (not yet signed
off, e.g. the step where the result went out of tolerance) that would reuse the current
attempt and count its old results again. Here the current step gets `current_attempt + 1`,
so the step is executed again as new entries and the first attempt's records stay as they were.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from instructions.models import Step
from mes import events
from mes.choices import UnitEventKind, UnitStatus
from mes.core import audit
from mes.core.errors import Conflict
from mes.core.models import User
from mes.models import Station, Unit, UnitEvent
from mes.services import units as unit_services


@transaction.atomic
def reopen_for_rework(*, unit: Unit, step: Step, actor: User | None, reason: str, station: Station | None = None) -> Unit:
    """Send the unit back to `step` as a new attempt (rework, re-inspection); earlier records kept."""
    locked = unit_services.lock_unit(unit)
    if locked.current_step_id != step.pk:
        return unit_services.reopen_step(unit=locked, step=step, actor=actor, reason=reason, station=station)
    if locked.status not in (UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD):
        raise Conflict("transition_refused", _("Unit {serial} is {status}: only a unit in work can be reworked.").format(
            serial=locked.serial, status=UnitStatus(locked.status).label), "unit")
    locked.current_attempt = locked.current_attempt + 1
    locked.save(update_fields=["current_attempt", "updated_at"])
    UnitEvent.objects.create(unit=locked, kind=UnitEventKind.STEP_REOPENED, step=step, actor=actor, station=station, reason=reason,
                             data={"attempt": locked.current_attempt})
    audit.record(actor=actor, action="step.reopened", subject=locked, station=station.code if station else "",
                 summary="{} step {}".format(locked.serial, step.position), reason=reason, data={"attempt": locked.current_attempt})
    events.emit(events.STEP_REOPENED, subject=events.unit_subject(locked), actor=actor,
                data=events.unit_data(locked, step={"id": step.pk, "title": step.title}, attempt=locked.current_attempt, reason=reason))
    return locked
