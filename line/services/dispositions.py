"""Unit-side acts a quality disposition needs that `line.services.units` does not offer as such.

Written by quality (issue 4) on top of the line's own helpers (`lock_unit`, the UnitEvent kinds,
the outbox events); the unit's status still changes only through `units._move`.

`reopen_for_rework`: the rework act on the unit side, by `units.reopen_step`.
"""

from core.models import User
from instructions.models import Step
from line.models import Station, Unit
from line.services import units as unit_services


def reopen_for_rework(
    *, unit: Unit, step: Step, actor: User | None, reason: str, station: Station | None = None
) -> Unit:
    """Send the unit back to `step` as a new attempt (rework, re-inspection); earlier records kept.

    `units.reopen_step` numbers the new attempt above both the step's last sign-off and the unit's
    current attempt, so this serves the step the unit is at now as well as a done one.
    """
    return unit_services.reopen_step(unit=unit, step=step, actor=actor, reason=reason, station=station)
