"""Query helpers for quality records (pure reads)."""

from django.db import models

from quality.choices import UNRESOLVED_NCR_STATUSES


class NcrQuerySet(models.QuerySet):
    def unresolved(self) -> "NcrQuerySet":
        """Not yet dispositioned: these keep a unit on hold (invariant 5)."""
        return self.filter(status__in=UNRESOLVED_NCR_STATUSES)

    def for_screens(self) -> "NcrQuerySet":
        return self.select_related(
            "unit",
            "step__operation",
            "revision__product",
            "characteristic",
            "lot__part",
            "raised_by",
            "decided_by",
        )
