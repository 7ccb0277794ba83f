"""Non-conformance reports (NCRs) and their history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quality.choices import SPLIT_DECISION, Decision, NcrEventKind, NcrSource, NcrStatus
from quality.querysets import NcrQuerySet


class Ncr(models.Model):
    """A recorded departure from the released definition, dispositioned by an inspector.

    Raised automatically by an out-of-tolerance result (`source=out_of_tolerance`, with the
    `result` and a copy of the evidence) or by hand. `hold` is the unit hold it keeps open
    until dispositioned (invariant 5). `evidence` freezes what was known at raise time:
    unit, step, revision, characteristic, limits, value, gauge, operator, time, station.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=14, choices=NcrStatus.choices, default=NcrStatus.OPEN)
    source = models.CharField(_("source"), max_length=20, choices=NcrSource.choices)
    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="ncrs")
    step = models.ForeignKey(
        "instructions.Step", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.ForeignKey(
        "instructions.Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="ncrs"
    )
    characteristic = models.ForeignKey(
        "instructions.Characteristic", on_delete=models.PROTECT, null=True, blank=True, related_name="ncrs"
    )
    result = models.ForeignKey(
        "mes.StepResult", on_delete=models.PROTECT, null=True, blank=True, related_name="ncrs"
    )
    lot = models.ForeignKey(
        "mes.MaterialLot", on_delete=models.PROTECT, null=True, blank=True, related_name="ncrs"
    )
    hold = models.ForeignKey("mes.Hold", on_delete=models.PROTECT, null=True, blank=True, related_name="ncrs")
    description = models.TextField(_("description"))
    # Written by the system (an out-of-tolerance result, a containment): the code and params the
    # description is rendered from in the reader's language (`core.texts`); empty when a
    # person typed the description (their words, shown as typed) and on rows older than codes.
    description_code = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001 - NULL: a column SQLite adds in place (history triggers kept)
    description_params = models.JSONField(null=True, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    station_code = models.CharField(max_length=64, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    quantity = models.DecimalField(
        _("quantity affected"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "For a lot-level NCR: the quantity of the lot in question, which a disposition may split."
        ),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contained",
        help_text=_("The lot NCR whose containment this unit NCR belongs to."),
    )
    photo = models.FileField(_("photo"), upload_to="ncr-photos/%Y/%m/", blank=True, max_length=300)
    photo_content_type = models.CharField(max_length=50, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = NcrQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("NCR")
        verbose_name_plural = _("NCRs")
        permissions = [
            ("raise_ncr", "Can raise an NCR"),
            ("disposition_ncr", "Can disposition an NCR"),
            ("view_feedback", "Can view line feedback per revision"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=NcrStatus.values), name="ncr_status_valid"),
            models.CheckConstraint(condition=Q(source__in=NcrSource.values), name="ncr_source_valid"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=[*Decision.values, SPLIT_DECISION]),
                name="ncr_decision_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "raised_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def description_text(self) -> str:
        """The description in the reader's language (as typed, when a person wrote it)."""
        from core.texts import render

        return render(self.description_code, self.description_params, self.description)

    @property
    def is_lot_level(self) -> bool:
        return self.unit_id is None and self.lot_id is not None

    @property
    def is_unresolved(self) -> bool:
        return self.status in (NcrStatus.OPEN, NcrStatus.IN_REVIEW)


class NcrEvent(models.Model):
    """One entry in an NCR's history (raised, status moves, notes). Append-only."""

    ncr = models.ForeignKey(Ncr, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=NcrEventKind.choices)
    before = models.CharField(max_length=14, blank=True)
    after = models.CharField(max_length=14, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station_code = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    # A reason the system wrote: rendered from code and params in the reader's language.
    reason_code = models.CharField(max_length=60, null=True, blank=True)  # noqa: DJ001 - NULL: a column SQLite adds in place (history triggers kept)
    reason_params = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("NCR event")
        verbose_name_plural = _("NCR events")

    def __str__(self) -> str:
        return "{} {}".format(self.ncr_id, self.kind)

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("NCR events are append-only: write a new event.")
        super().save(*args, **kwargs)

    @property
    def reason_text(self) -> str:
        from core.texts import render

        return render(self.reason_code, self.reason_params, self.reason)
