"""Stored first answers are kept for retries, then forgotten."""

from datetime import timedelta

from django.utils import timezone


def test_old_idempotency_keys_are_purged_and_recent_ones_kept(operator):
    from core.models import IdempotencyKey
    from core.tasks import purge_idempotency_keys

    def key(name, age_days):
        return IdempotencyKey.objects.create(
            actor=operator,
            key=name,
            request_hash="h",
            method="POST",
            path="/x",
            response_status=200,
            response_content_type="text/html",
            response_body=b"",
            created_at=timezone.now() - timedelta(days=age_days),
        )

    key("old", 8)
    key("recent", 1)
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
