"""Engineering decisions on units in flight when a new revision supersedes theirs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from line.models.append_only import AppendOnlyModel


class EcoDecisionKind(models.TextChoices):
    CONTINUE = "continue", _("Continue on the old revision")
    MIGRATE = "migrate", _("Migrate to the new revision")
    SCRAP = "scrap", _("Scrap the unit")


class EcoDecision(AppendOnlyModel):
    """An engineer's signed decision for one unit held for ECO review (invariant 2: the only way
    a unit's revision binding changes). Append-only; the signature is bound to its content."""

    unit = models.ForeignKey("mes.Unit", on_delete=models.PROTECT, related_name="eco_decisions")
    decision = models.CharField(_("decision"), max_length=10, choices=EcoDecisionKind.choices)
    from_revision = models.ForeignKey("instructions.Revision", on_delete=models.PROTECT, related_name="+")
    to_revision = models.ForeignKey("instructions.Revision", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    reopened_from = models.ForeignKey(
        "instructions.Step",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Migrate: the first step of the new revision the unit executes again."),
    )
    differing_steps = models.JSONField(default=list, blank=True)
    signature = models.OneToOneField("core.Signature", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=EcoDecisionKind.values), name="eco_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.unit_id, self.decision)
