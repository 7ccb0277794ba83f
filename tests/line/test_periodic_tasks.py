"""The periodic sweeps Celery beat runs: each is a thin task over a service."""

from datetime import timedelta

from django.conf import settings

from line.models import MaterialLot
from line.services.lots import receive_lot
from line.tasks import expire_lots


def test_every_scheduled_task_is_registered():
    import core.tasks  # noqa: F401 (registers the tasks)
    import line.tasks  # noqa: F401
    from mes.celery import app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {"core.relay_outbox", "core.purge_idempotency_keys", "mes.expire_lots"}
    assert scheduled <= set(app.tasks)


def test_expire_lots_marks_lots_past_their_date(released_c, engineer):
    from django.utils import timezone

    receive_lot(
        part_number="300-900",
        lot="TL-OLD",
        quantity=5,
        actor=engineer,
        expires_on=timezone.localdate() + timedelta(days=1),
    )
    receive_lot(
        part_number="300-900",
        lot="TL-NEW",
        quantity=5,
        actor=engineer,
        expires_on=timezone.localdate() + timedelta(days=9),
    )
    # two days later, TL-OLD is past its date
    MaterialLot.objects.filter(code="TL-OLD").update(expires_on=timezone.localdate() - timedelta(days=1))
    assert expire_lots() == 1
    assert dict(MaterialLot.objects.values_list("code", "status")) == {
        "TL-OLD": "expired",
        "TL-NEW": "available",
    }
