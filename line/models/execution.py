"""What happens at a step: consumptions, refused scans, results, tool scans and sign-offs.

All append-only (invariant 6): a correction is a new row pointing at the one it corrects.
Each row carries the step `attempt` it belongs to (1, or more after a rework reopened the step),
who (actor), where (station) and when (server time) (invariant 7).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from line.models.append_only import AppendOnlyModel


class Consumption(AppendOnlyModel):
    """Lot `lot` (quantity `quantity`) went into `unit` at `step`, scanned by `actor` at `station`.

    `requirement` is the material requirement it fills (the required part or an alternate).
    A reversal is a new row with a negative quantity and `corrects` set, with a reason.
    """

    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, related_name="consumptions")
    step = models.ForeignKey("instructions.Step", on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=1)
    requirement = models.ForeignKey(
        "instructions.MaterialRequirement", on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey("mes.MaterialLot", on_delete=models.PROTECT, related_name="consumptions")
    part_number = models.CharField(max_length=64)
    part_revision = models.CharField(max_length=16)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    barcode = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(
        "mes.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("consumption")
        verbose_name_plural = _("consumptions")
        indexes = [models.Index(fields=["unit", "step", "attempt"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="consumption_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return "{} x {} → {}".format(self.quantity.normalize(), self.lot_id, self.unit_id)


class ScanRefusal(AppendOnlyModel):
    """A refused scan, kept even though nothing was consumed (invariant 4): what was scanned and why not."""

    unit = models.ForeignKey(
        "mes.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="scan_refusals"
    )
    step = models.ForeignKey(
        "instructions.Step", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = models.ForeignKey(
        "mes.MaterialLot", on_delete=models.PROTECT, null=True, blank=True, related_name="scan_refusals"
    )
    barcode = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    code = models.CharField(max_length=40, db_index=True)
    message = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(
        "mes.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("refused scan")
        verbose_name_plural = _("refused scans")

    def __str__(self) -> str:
        return "{} {}".format(self.code, self.barcode)


class StepResult(AppendOnlyModel):
    """A recorded inspection result; the server decides `in_tolerance` (invariant 5).

    Variables carry `value`, attributes `passed`. Re-recording a characteristic writes a new
    row whose `replaces` points at the previous one; the newest row of an attempt counts.
    """

    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, related_name="results")
    step = models.ForeignKey("instructions.Step", on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=1)
    characteristic = models.ForeignKey(
        "instructions.Characteristic", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    in_tolerance = models.BooleanField()
    gauge = models.ForeignKey("mes.Tool", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(
        "mes.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        indexes = [models.Index(fields=["unit", "step", "attempt"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False, passed__isnull=True)
                | Q(value__isnull=True, passed__isnull=False),
                name="result_value_or_passed",
            ),
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(
            self.unit_id, self.characteristic_id, self.value if self.value is not None else self.passed
        )


class ToolScan(AppendOnlyModel):
    """A tool the step requires, scanned (and found calibrated) at the step."""

    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, related_name="tool_scans")
    step = models.ForeignKey("instructions.Step", on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=1)
    tool = models.ForeignKey("mes.Tool", on_delete=models.PROTECT, related_name="scans")
    barcode = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(
        "mes.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("tool scan")
        verbose_name_plural = _("tool scans")
        indexes = [models.Index(fields=["unit", "step", "attempt"])]

    def __str__(self) -> str:
        return "{} {}".format(self.unit_id, self.tool_id)


class StepSignOff(AppendOnlyModel):
    """The operator's signature closing one attempt of a step (and the inspector's, when required).

    Unique per (unit, step, attempt): a step attempt is signed once, however many tablets try.
    """

    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, related_name="sign_offs")
    step = models.ForeignKey("instructions.Step", on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=1)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(
        "mes.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("step sign-off")
        verbose_name_plural = _("step sign-offs")
        constraints = [
            models.UniqueConstraint(fields=["unit", "step", "attempt"], name="step_signed_once_per_attempt"),
        ]

    def __str__(self) -> str:
        return "{} step {} #{}".format(self.unit_id, self.step_id, self.attempt)
