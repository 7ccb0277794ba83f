"""NCR numbers on PostgreSQL: eight NCRs raised at the same moment each get their own number."""

import pytest

from quality.models import Ncr
from quality.services.ncrs import raise_ncr
from tests.concurrency.test_line_races import THREADS, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ncrs_raised_at_once_all_get_distinct_numbers(inspector):
    successes, refusals = run_together(
        lambda index: (
            raise_ncr(unit=None, description="supplier notice {}".format(index), actor=inspector).number
        )
    )
    assert refusals == []
    assert len(set(successes)) == THREADS
    assert sorted(Ncr.objects.values_list("number", flat=True)) == sorted(successes)
    assert all(number.startswith("NCR-") for number in successes)
