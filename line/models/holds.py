"""Holds: why a unit may not advance, until released (by a disposition, a lot release, an ECO decision)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from line.choices import HoldKind, HoldStatus


class Hold(models.Model):
    """One reason a unit is on hold. The unit is `on_hold` while any of its holds is open (invariant 5).

    NCR holds are linked from `quality.Ncr.hold`; lot containment holds name the `lot`.
    Placing and releasing also write `UnitEvent` rows; the hold row records who released it and why.
    """

    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, related_name="holds")
    kind = models.CharField(_("kind"), max_length=20, choices=HoldKind.choices)
    reason = models.TextField(_("reason"))
    # Reasons the system wrote are rendered from a code and params in the reader's language
    # (`core.texts`); a reason typed by a person is kept as typed (empty code).
    reason_code = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001 - NULL: a column SQLite adds in place (history triggers kept)
    reason_params = models.JSONField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=HoldStatus.choices, default=HoldStatus.OPEN)
    lot = models.ForeignKey(
        "mes.MaterialLot", on_delete=models.PROTECT, null=True, blank=True, related_name="holds"
    )
    step = models.ForeignKey(
        "instructions.Step", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(
        "mes.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_reason = models.TextField(blank=True)
    release_code = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001 - NULL: a column SQLite adds in place (history triggers kept)
    release_params = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HoldKind.values), name="hold_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=HoldStatus.values), name="hold_status_valid"),
            models.CheckConstraint(
                condition=Q(status=HoldStatus.OPEN, released_at__isnull=True)
                | Q(status=HoldStatus.RELEASED, released_at__isnull=False),
                name="hold_released_has_time",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return "{} {} ({})".format(self.unit_id, self.kind, self.status)

    @property
    def reason_text(self) -> str:
        from core.texts import render

        return render(self.reason_code, self.reason_params, self.reason)

    @property
    def release_text(self) -> str:
        from core.texts import render

        return render(self.release_code, self.release_params, self.release_reason)
