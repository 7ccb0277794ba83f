"""Emitting outbound events (invariant 10).

`emit()` inserts the event in the caller's transaction: if the change rolls back,
so does the event. Delivery (webhooks, the polling feed) reads the table later.
"""

from typing import Any

from django.db import transaction

from mes.core.models import OutboxEvent, User


def emit(type: str, *, subject: str, data: dict[str, Any], actor: User | None = None) -> OutboxEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.emit() must run inside the transaction of the change it describes")
    return OutboxEvent.objects.create(
        type=type, subject=subject, data=data, actor_label=actor.username if actor is not None else ""
    )
