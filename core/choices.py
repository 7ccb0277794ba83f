"""Choices shared by every app: roles and identity kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    INSPECTOR = "inspector", _("Quality inspector")
    ENGINEER = "engineer", _("Engineer")
    INTEGRATION = "integration", _("Integration")
    ADMIN = "admin", _("Administrator")


class IdentityKind(models.TextChoices):
    PERSON = "person", _("Person")
    SYSTEM = "system", _("System or agent")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
