"""Celery tasks of the shared kernel: thin interfaces onto services."""

from celery import shared_task

from mes.core import webhooks


@shared_task(name="core.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Fan out new events and deliver what is due. Safe to run often and concurrently."""
    webhooks.relay_outbox()
    return webhooks.deliver_due()
