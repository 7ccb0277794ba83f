"""Material lots: received batches (or serial-lots) of a component, and their history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from line.choices import LotEventKind, LotStatus
from line.models.append_only import AppendOnlyModel


class MaterialLot(models.Model):
    """A received batch of one component, identified by its lot code (a serial for serial-tracked parts).

    `part_revision` is the component revision it was received as (checked against a
    requirement's allowed revisions at the scan). `quantity_remaining` never goes below
    zero: consumption is a conditional UPDATE under a row lock, and the database checks it.
    """

    code = models.CharField(_("lot"), max_length=64, unique=True)
    part = models.ForeignKey("instructions.Part", on_delete=models.PROTECT, related_name="lots")
    part_revision = models.CharField(_("part revision"), max_length=16)
    quantity_received = models.DecimalField(_("quantity received"), max_digits=14, decimal_places=4)
    quantity_remaining = models.DecimalField(_("quantity remaining"), max_digits=14, decimal_places=4)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LotStatus.choices, default=LotStatus.AVAILABLE
    )
    received_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("material lot")
        verbose_name_plural = _("material lots")
        constraints = [
            models.CheckConstraint(condition=Q(quantity_remaining__gte=0), name="lot_remaining_not_negative"),
            models.CheckConstraint(condition=Q(quantity_received__gt=0), name="lot_received_positive"),
            models.CheckConstraint(
                condition=Q(quantity_remaining__lte=F("quantity_received")),
                name="lot_remaining_within_received",
            ),
            models.CheckConstraint(condition=Q(status__in=LotStatus.values), name="lot_status_valid"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def part_number(self) -> str:
        return self.part.part_number

    def is_expired(self, on) -> bool:
        return self.expires_on is not None and on > self.expires_on


class LotEvent(AppendOnlyModel):
    """One entry in a lot's history: received, consumed (with unit and step), status changes."""

    lot = models.ForeignKey(MaterialLot, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=LotEventKind.choices)
    before = models.CharField(max_length=12, blank=True)
    after = models.CharField(max_length=12, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("lot event")
        verbose_name_plural = _("lot events")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LotEventKind.values), name="lot_event_kind_valid")
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.lot_id, self.kind)
