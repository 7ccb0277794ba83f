"""Lifecycles and kinds of the line, each lifecycle with its one transition table.

Only `line.services` move these statuses, always through the `_move()` of the owning
service module (STYLE.md section 3): lock, check the table, write the status, write the
history row, emit the outbox event, in one transaction.
"""

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    SCRAPPED = "scrapped", _("Scrapped")


UNIT_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    UnitStatus.PLANNED: frozenset({UnitStatus.IN_PROGRESS, UnitStatus.SCRAPPED}),
    UnitStatus.IN_PROGRESS: frozenset({UnitStatus.ON_HOLD, UnitStatus.COMPLETED, UnitStatus.SCRAPPED}),
    UnitStatus.ON_HOLD: frozenset({UnitStatus.IN_PROGRESS, UnitStatus.SCRAPPED}),
    # The as-built record of a completed unit is closed; corrections are new entries (invariant 6).
    UnitStatus.COMPLETED: frozenset(),
    UnitStatus.SCRAPPED: frozenset(),
}

UNFINISHED_UNIT_STATUSES: Final[frozenset[str]] = frozenset(
    {UnitStatus.PLANNED, UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD}
)
# Units that count against a station's work-in-progress limit (invariant 11).
WIP_UNIT_STATUSES: Final[frozenset[str]] = frozenset({UnitStatus.IN_PROGRESS, UnitStatus.ON_HOLD})


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


WORK_ORDER_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    WorkOrderStatus.OPEN: frozenset({WorkOrderStatus.COMPLETED, WorkOrderStatus.CANCELLED}),
    WorkOrderStatus.COMPLETED: frozenset(),
    WorkOrderStatus.CANCELLED: frozenset(),
}


class LotStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    QUARANTINED = "quarantined", _("Quarantined")
    EXPIRED = "expired", _("Expired")
    CONSUMED = "consumed", _("Used up")


LOT_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    LotStatus.AVAILABLE: frozenset({LotStatus.QUARANTINED, LotStatus.EXPIRED, LotStatus.CONSUMED}),
    # Released from quarantine, a lot goes back to what its quantity and date make it.
    LotStatus.QUARANTINED: frozenset({LotStatus.AVAILABLE, LotStatus.EXPIRED, LotStatus.CONSUMED}),
    # Expired and used-up lots can still be quarantined: containment reaches lots already in units.
    LotStatus.EXPIRED: frozenset({LotStatus.QUARANTINED}),
    LotStatus.CONSUMED: frozenset({LotStatus.QUARANTINED}),
}


class LotEventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONSUMED = "consumed", _("Consumed")
    STATUS = "status", _("Status changed")


class UnitEventKind(models.TextChoices):
    CREATED = "created", _("Planned")
    STATUS = "status", _("Status changed")
    REVISION_BOUND = "revision_bound", _("Revision bound")
    STEP_SIGNED_OFF = "step_signed_off", _("Step signed off")
    STEP_REOPENED = "step_reopened", _("Step reopened")
    HOLD_PLACED = "hold_placed", _("Hold placed")
    HOLD_RELEASED = "hold_released", _("Hold released")


class HoldKind(models.TextChoices):
    NCR = "ncr", _("Non-conformance")
    LOT_CONTAINMENT = "lot_containment", _("Suspect lot contained")
    ECO_REVIEW = "eco_review", _("Engineering change review")
    MANUAL = "manual", _("Held by hand")


class HoldStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RELEASED = "released", _("Released")


HOLD_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    HoldStatus.OPEN: frozenset({HoldStatus.RELEASED}),
    HoldStatus.RELEASED: frozenset(),
}


class NeedKind(models.TextChoices):
    """What a step can still need before sign-off (the `missing` list of the unit state)."""

    MATERIAL = "material", _("Material to scan")
    CHARACTERISTIC = "characteristic", _("Result to record")
    OUT_OF_TOLERANCE = "out_of_tolerance", _("Result out of tolerance")
    TOOL = "tool", _("Tool to scan")
    QUALIFICATION = "qualification", _("Qualification to hold")
    COUNTERSIGNATURE = "countersignature", _("Inspector to countersign")


class HelpKind(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")
    QUALITY = "quality", _("Quality")
    MAINTENANCE = "maintenance", _("Maintenance")
    MATERIAL = "material", _("Material")


class HelpCallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


HELP_CALL_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    HelpCallStatus.OPEN: frozenset({HelpCallStatus.ANSWERED}),
    HelpCallStatus.ANSWERED: frozenset(),
}
