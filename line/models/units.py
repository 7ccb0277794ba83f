"""Units: one serialised item being built, and its status history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from line.choices import UnitEventKind, UnitStatus
from line.models.append_only import AppendOnlyModel
from line.querysets import UnitQuerySet


class Unit(models.Model):
    """One serialised item of a work order.

    `revision` is the revision the work order intends; it becomes binding when the unit
    starts (`revision_bound_at`, invariant 2) and is changed afterwards only by an explicit,
    e-signed ECO decision. `current_step` is the step the operator works on (None before
    start and after completion); `current_attempt` counts reopenings of that step (rework),
    so execution rows of an earlier attempt do not count for the next one.
    """

    serial = models.CharField(_("serial"), max_length=64, unique=True)
    work_order = models.ForeignKey("mes.WorkOrder", on_delete=models.PROTECT, related_name="units")
    revision = models.ForeignKey("instructions.Revision", on_delete=models.PROTECT, related_name="units")
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.PLANNED
    )
    current_step = models.ForeignKey(
        "instructions.Step", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_attempt = models.PositiveSmallIntegerField(default=1)
    station = models.ForeignKey(
        "mes.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_("Where the unit was started; it counts against this station's WIP limit."),
    )
    revision_bound_at = models.DateTimeField(_("revision bound at"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    # Not stored: the station screen (line.views.station.render_station) sets this on waiting units.
    start_key: str

    class Meta:
        ordering = ["serial"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=UnitStatus.values), name="unit_status_valid"),
            # A started unit is bound to its revision (invariant 2).
            models.CheckConstraint(
                condition=Q(status=UnitStatus.PLANNED) | Q(revision_bound_at__isnull=False),
                name="unit_bound_once_started",
            ),
        ]
        indexes = [models.Index(fields=["station", "status"])]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_bound(self) -> bool:
        return self.revision_bound_at is not None

    @property
    def is_on_hold(self) -> bool:
        return self.status == UnitStatus.ON_HOLD


class UnitEvent(AppendOnlyModel):
    """One entry in a unit's history: who, when, where, what and why (invariants 6 and 7)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=UnitEventKind.choices)
    before = models.CharField(max_length=40, blank=True)
    after = models.CharField(max_length=40, blank=True)
    step = models.ForeignKey(
        "instructions.Step", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(
        "mes.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UnitEventKind.values), name="unit_event_kind_valid")
        ]

    def __str__(self) -> str:
        return "{} {} {}→{}".format(self.unit_id, self.kind, self.before, self.after)
