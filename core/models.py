"""The shared kernel's tables: identities, API tokens, audit trail, outbox, idempotency keys.

Nothing here knows the domain. Every service writes an AuditEntry and, where other
systems must hear of the change, an OutboxEvent in the same transaction as the change.
"""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import DocumentStatus, IdentityKind, Role


class User(AbstractUser):
    """A person or a system/agent identity; both carry one role and act through the same services."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OPERATOR)
    kind = models.CharField(
        _("kind"), max_length=10, choices=IdentityKind.choices, default=IdentityKind.PERSON
    )
    badge_code = models.CharField(_("badge code"), max_length=64, unique=True, null=True, blank=True)
    badge_pin = models.CharField(_("badge PIN (hashed)"), max_length=128, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=IdentityKind.values), name="user_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def printed_name(self) -> str:
        """The name shown beside a signature: full name and user name."""
        full = self.get_full_name()
        return "{} ({})".format(full, self.username) if full else self.username

    @property
    def is_system(self) -> bool:
        return self.kind == IdentityKind.SYSTEM


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, identity__is_active=True)


class ApiToken(models.Model):
    """A key for a system or agent identity. Only the SHA-256 of the key is stored; the key is shown once."""

    identity = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("The first characters, to recognise a key.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return "{} ({}…)".format(self.name, self.prefix)

    @staticmethod
    def hash_key(key: str) -> str:
        # Keys are 256-bit random: a plain SHA-256 is enough, no slow password hash needed.
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(models.Model):
    """One attributable act (invariant 7). Append-only: the database refuses UPDATE and DELETE (invariant
    6)."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=150, help_text=_("User name at the time, kept if renamed."))
    station = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    # Not stored: the audit trail screen (core.views.audit_trail) sets these on the page's entries.
    action_label: str
    subject_url: str
    subject_label: str

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return "{} {} {}:{}".format(self.occurred_at, self.action, self.subject_type, self.subject_id)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only: write a new entry that corrects this one.")
        super().save(*args, **kwargs)


class OutboxEvent(models.Model):
    """An event other systems must hear of, written in the same transaction as the change (invariant 10)."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=64, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=128)
    data = models.JSONField(default=dict)
    actor_label = models.CharField(max_length=150, blank=True)
    # Set once the relay has created a delivery for every webhook that wants this event.
    relayed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # PostgreSQL: the writing transaction's id, so the feed serves an event only once every
    # transaction that could still commit an earlier id has ended (ids commit out of order).
    xact_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("outbound event")
        verbose_name_plural = _("outbound events")
        ordering = ["id"]

    def __str__(self) -> str:
        return "{} {}".format(self.type, self.subject)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Outbox events are immutable once written.")
        super().save(*args, **kwargs)


class IdempotencyKey(models.Model):
    """The first answer to a POST that carried an Idempotency-Key, replayed for retries (invariant 8)."""

    actor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    response_status = models.PositiveSmallIntegerField()
    response_content_type = models.CharField(max_length=100)
    response_body = models.BinaryField()
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="idempotency_key_unique_per_actor")
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.actor_id, self.key)


class RenderedDocument(models.Model):
    """A PDF rendered in a Celery task (never in the request), polled by the screen that asked for it."""

    kind = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=64)
    variant = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    source_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "subject_id", "variant"])]

    def __str__(self) -> str:
        return "{} {} {}".format(self.kind, self.subject_id, self.status)

    @staticmethod
    def lost_before():
        """Documents still pending that were asked for before this moment count as lost: their task
        never ran (a worker down, a queue flushed). They are not reused, and their screen stops
        waiting; a late task may still make them."""
        return timezone.now() - timedelta(minutes=settings.THREADLINE_DOCUMENT_RENDER_MINUTES)

    @property
    def is_lost(self) -> bool:
        return self.status == DocumentStatus.PENDING and self.requested_at < self.lost_before()

    @property
    def render_minutes(self) -> int:
        return settings.THREADLINE_DOCUMENT_RENDER_MINUTES


class SignatureMeaning(models.TextChoices):
    """What a person declares by signing (21 CFR Part 11 §11.50: the meaning of the signature)."""

    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    RESPONSIBLE = "responsible", _("Responsible")


class Signature(models.Model):
    """An electronic signature: a person re-entered their password at `signed_at` and declared `meaning`.

    Bound to the exact content signed: `content` is the canonical JSON that was shown and
    signed, `content_hash` its SHA-256 (recomputable by anyone, see `core.signatures`).
    `carried_by` is the identity whose request carried the signature (an API token, a
    session); it may differ from `signer`, who is always a person. Append-only (invariant 6).
    """

    signer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="signatures")
    printed_name = models.CharField(_("printed name"), max_length=300)
    meaning = models.CharField(_("meaning"), max_length=20, choices=SignatureMeaning.choices)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    content = models.JSONField(_("content signed"))
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    carried_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    station = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("electronic signature")
        verbose_name_plural = _("electronic signatures")
        ordering = ["signed_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meaning__in=SignatureMeaning.values), name="signature_meaning_valid"
            ),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "signer"], name="signature_once_per_signer"
            ),
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(self.printed_name, self.get_meaning_display(), self.signed_at.isoformat())

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Signatures are append-only: a new act needs a new signature.")
        super().save(*args, **kwargs)


class Webhook(models.Model):
    """A receiver of outbound events: each event of a listed type is POSTed to `url`, signed with `secret`.

    The secret is kept in clear because every delivery is signed with it (HMAC-SHA256); it is
    shown to the creator once and never returned by the API afterwards.
    """

    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("event types"), default=list, help_text=_("Empty: every event."))
    secret = models.CharField(max_length=100)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="webhooks")
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")


class WebhookDelivery(models.Model):
    """One event owed to one webhook, retried with backoff until the receiver answers 2xx (invariant 10)."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="delivery_once_per_webhook_event")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return "{} → {}".format(self.event_id, self.webhook_id)
