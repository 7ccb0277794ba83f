"""Feedback to engineering per revision: Pareto, first-pass yield, step times, CSV, and the screen."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from core.models import Signature
from line.models import StepSignOff
from quality.services import dispositions
from quality.services.feedback import revision_feedback
from tests.quality.conftest import out_of_tolerance, sig


def test_pareto_yield_and_times_for_a_revision(at_step2, operator, inspector, released_c):
    # given unit 1: step 1 signed off 12 minutes after start, then TQ1 out of tolerance at step 2 (an NCR)
    unit = at_step2.unit
    unit.refresh_from_db()
    sign_off = StepSignOff.objects.get(unit=unit)
    out_of_tolerance(at_step2, operator)
    # when engineering looks at the revision
    feedback = revision_feedback(released_c)
    # then the NCR is counted by step and characteristic, step 1 passed first time, step 2 has no sign-off yet
    assert feedback.ncr_count == 1
    by_step, by_characteristic, by_part, by_supplier = feedback.paretos
    assert [(bar.label, bar.count, bar.cumulative_percent) for bar in by_step.bars] == [
        ("2. " + at_step2.step2.title, 1, 100.0)
    ]
    assert [bar.label.split()[0] for bar in by_characteristic.bars] == ["TQ1"]
    assert by_part.bars == [] and by_supplier.bars == []
    step1, step2 = feedback.steps[0], feedback.steps[1]
    assert (step1.units_done, step1.units_first_pass, step1.first_pass_yield) == (1, 1, 100.0)
    assert (step2.units_done, step2.first_pass_yield, step2.ncrs) == (0, None, 1)
    expected = round((sign_off.occurred_at - unit.started_at).total_seconds() / 60.0, 1)
    assert step1.median_minutes == expected
    assert "<svg" in by_step.svg and "TQ1" in by_characteristic.svg


def test_the_feedback_screen_and_csv(ncr_at_step2, engineer_client, released_c, django_assert_num_queries):
    with django_assert_num_queries(7):
        page = engineer_client.get(reverse("quality:revision-feedback", args=[released_c.pk]))
    assert page.status_code == 200
    assert (
        page.text.count('<svg class="pareto"') == 2
    )  # step and characteristic; part and supplier have none yet
    answer = engineer_client.get(reverse("quality:revision-feedback-csv", args=[released_c.pk]))
    assert answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode().splitlines()
    assert lines[:2] == ["part_number,revision,ncrs", "100-200,C,1"]
    revision_page = engineer_client.get(reverse("instructions:revision-detail", args=[released_c.pk])).text
    assert reverse("quality:revision-feedback", args=[released_c.pk]) in revision_page


def test_operators_do_not_see_feedback(operator_client, released_c):
    assert operator_client.get(reverse("quality:revision-feedback", args=[released_c.pk])).status_code == 403


@pytest.mark.invariant(6)
def test_signatures_cannot_be_changed_or_deleted(ncr_at_step2, inspector):
    dispositions.disposition_ncr(
        ncr=ncr_at_step2, decision="scrap", reason="x", signatures=[sig(inspector)], actor=inspector
    )
    for attempt in (
        lambda: Signature.objects.update(meaning="reviewed"),
        lambda: Signature.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert Signature.objects.get().meaning == "approved"
    assert timedelta(0) <= Signature.objects.get().signed_at - ncr_at_step2.raised_at
