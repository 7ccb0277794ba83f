"""The base of every history table of the line: rows are written once, never changed (invariant 6)."""

from django.db import models

# Tables whose UPDATE and DELETE the database itself refuses (triggers installed by migration).
APPEND_ONLY_TABLES = [
    "mes_unitevent",
    "mes_lotevent",
    "mes_consumption",
    "mes_scanrefusal",
    "mes_stepresult",
    "mes_toolscan",
    "mes_stepsignoff",
    "mes_ecodecision",
]


class AppendOnlyModel(models.Model):
    """An abstract history row: `save()` refuses an existing row, `delete()` refuses always.

    A correction is a new row that points at the one it corrects, with a reason.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(
                "{} rows are append-only: write a new row that corrects this one.".format(type(self).__name__)
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("{} rows are append-only: they are never deleted.".format(type(self).__name__))
