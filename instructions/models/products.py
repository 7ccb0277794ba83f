from django.db import models
from django.utils.translation import gettext_lazy as _

from instructions.choices import Tracking


class Product(models.Model):
    """A built part number, as named by the releases PLM sends."""

    part_number = models.CharField(_("part number"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    uom = models.CharField(_("unit of measure"), max_length=16)
    tracking = models.CharField(_("tracking"), max_length=10, choices=Tracking.choices)

    class Meta:
        ordering = ["part_number"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [
            ("preview_revision", "Can preview a revision's operator screens"),
            ("import_release", "Can import a release document"),
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.part_number, self.name)


class Part(models.Model):
    """A component part number as first introduced by a release (lots are received against it)."""

    part_number = models.CharField(_("part number"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    uom = models.CharField(_("unit of measure"), max_length=16)
    tracking = models.CharField(_("tracking"), max_length=10, choices=Tracking.choices)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True, db_index=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)

    class Meta:
        ordering = ["part_number"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self) -> str:
        return "{} {}".format(self.part_number, self.name)
