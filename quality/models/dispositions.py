"""Dispositions: the signed decision on an NCR, and its lines (a lot-level NCR may split its quantity)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quality.choices import Decision


class AppendOnly(models.Model):
    """Rows written once; the database triggers refuse UPDATE and DELETE (invariant 6)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("{} rows are append-only.".format(type(self).__name__))
        super().save(*args, **kwargs)


class Disposition(AppendOnly):
    """The one signed decision on an NCR (one per NCR: a second disposition is refused, and the
    unique constraint backs it against a concurrent one). `content` is exactly what was signed;
    `content_hash` its SHA-256, which every signature on it repeats."""

    ncr = models.OneToOneField("quality.Ncr", on_delete=models.PROTECT, related_name="disposition")
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    station_code = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")

    def __str__(self) -> str:
        return "{} {}".format(self.ncr_id, self.content_hash[:12])


class DispositionLine(AppendOnly):
    """One decision of a disposition: for a unit NCR the only line; for a lot NCR one per share of its
    quantity.

    rework: `rework_steps` (step ids) reopen as new attempts; repair: `repair_note`, and the NCR's
    step reopens for re-inspection; return to vendor: `rtv_reference` (the lot is quarantined).
    """

    disposition = models.ForeignKey(Disposition, on_delete=models.PROTECT, related_name="lines")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    rework_steps = models.JSONField(default=list, blank=True)
    repair_note = models.TextField(blank=True)
    rtv_reference = models.CharField(_("RTV reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("disposition line")
        verbose_name_plural = _("disposition lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="disposition_line_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="disposition_line_quantity_positive",
            ),
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.decision, self.quantity or "")
