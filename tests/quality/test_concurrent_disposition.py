"""Two inspectors disposition the same NCR at the same moment: exactly one decision stands (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from core.errors import DomainError
from core.models import Signature
from quality.models import Disposition, Ncr
from quality.services import dispositions
from tests.quality.conftest import sig


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_inspectors_at_once_exactly_one_succeeds(ncr_at_step2, inspector, second_inspector):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user, decision):
        try:
            barrier.wait()
            dispositions.disposition_ncr(
                ncr=Ncr.objects.get(pk=ncr_at_step2.pk),
                decision=decision,
                reason="race",
                signatures=[sig(user)],
                actor=user,
                rework_steps=[ncr_at_step2.step_id] if decision == "rework" else (),
            )
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(inspector, "scrap")),
        threading.Thread(target=decide, args=(second_inspector, "rework")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ncr_already_dispositioned", "ok"]
    assert Disposition.objects.count() == 1
    assert Signature.objects.count() == 1
    assert Ncr.objects.get(pk=ncr_at_step2.pk).status == "dispositioned"
