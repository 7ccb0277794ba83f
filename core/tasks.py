"""Celery tasks of the shared kernel: thin interfaces onto services."""

from celery import shared_task
from django.core.cache import cache

from core import webhooks
from core.outbox import RELAY_PENDING


@shared_task(name="core.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Fan out new events and deliver what is due. Safe to run often and concurrently."""
    cache.delete(RELAY_PENDING)  # first: an event committed from now on queues the next pass
    webhooks.relay_outbox()
    return webhooks.deliver_due()


@shared_task(name="core.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Forget stored first answers older than IDEMPOTENCY_KEY_DAYS: a retry comes within minutes, not
    weeks."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from core.models import IdempotencyKey

    cutoff = timezone.now() - timedelta(days=settings.THREADLINE_IDEMPOTENCY_KEY_DAYS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
