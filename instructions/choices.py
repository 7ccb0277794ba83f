"""Lifecycles and kinds of the released definition."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (preview only)")
    RELEASED = "released", _("Released")
    SUPERSEDED = "superseded", _("Superseded")


class Tracking(models.TextChoices):
    SERIAL = "serial", _("By serial")
    LOT = "lot", _("By lot")
    NONE = "none", _("Not tracked")


class InFlight(models.TextChoices):
    CONTINUE = "continue", _("Finish on the old revision")
    STOP_AND_REVIEW = "stop_and_review", _("Hold for engineering review")


class CharacteristicKind(models.TextChoices):
    VARIABLE = "variable", _("Measured value")
    ATTRIBUTE = "attribute", _("Pass / fail")


class SignOff(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    OPERATOR_AND_INSPECTOR = "operator+inspector", _("Operator and inspector")
