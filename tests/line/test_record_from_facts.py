"""The record is computed from facts: the start station is where the unit's recorded start act
happened, a step's attempt counts the times that step was worked on this unit, and the
first-pass yield per step follows each step's own history (issue 9)."""

import pytest

from instructions.models import Step
from line.as_built import as_built_record
from line.models import Unit
from line.services import results
from line.services import stations as station_services
from line.services import units as unit_services
from line.services import work_orders as work_order_services
from quality.services import dispositions
from quality.services.feedback import revision_feedback
from tests.conftest import accept, lazy_loads_raise
from tests.quality.conftest import sig


def six_step_document(document: dict) -> dict:
    """Rev S of 100-200: steps 1–3 at ASSY-1 (OP10), steps 4–6 at TEST-1 (OP20), each with one
    measured gap X1..X6 (0.9 … 1.1 mm), no material, no tool."""
    document = dict(document)
    document.update(revision="S", release_id="ECO-9S")
    document.pop("supersedes", None)

    def step(n: int) -> dict:
        return {
            "sequence": n * 10,
            "title": "Check {}".format(n),
            "instruction": "Measure gap {}.".format(n),
            "characteristics": [
                {
                    "code": "X{}".format(n),
                    "name": "Gap {}".format(n),
                    "kind": "variable",
                    "nominal": 1,
                    "lower": 0.9,
                    "upper": 1.1,
                    "unit": "mm",
                }
            ],
        }

    document["operations"] = [
        {
            "sequence": 10,
            "code": "OP10",
            "title": "Assemble",
            "work_center": "ASSY-1",
            "standard_minutes": 3.0,
            "steps": [step(n) for n in (1, 2, 3)],
        },
        {
            "sequence": 20,
            "code": "OP20",
            "title": "Test",
            "work_center": "TEST-1",
            "standard_minutes": 3.0,
            "steps": [step(n) for n in (4, 5, 6)],
        },
    ]
    return document


@pytest.fixture
def rev_s(line, release_document, engineer, operator):
    revision = accept(six_step_document(release_document), engineer).revision
    test_station = station_services.register_station(
        code="TEST-1-T1", work_center="TEST-1", name="Test 1", wip_limit=5, actor=engineer
    )
    station_services.assign_stations(user=operator, station_codes=["ST-1", "TEST-1-T1"], actor=engineer)
    work_order = work_order_services.create_work_order(
        number="WO-S", part_number="100-200", quantity=2, revision="S", actor=engineer
    )
    steps = list(Step.objects.filter(revision=revision).select_related("operation").order_by("position"))
    units = list(work_order.units.order_by("serial"))
    return revision, steps, units, test_station


def do_step(unit, step, operator, station, value="1.0"):
    results.record_result(
        unit=unit,
        step=step,
        characteristic_code="X{}".format(step.position),
        value=value,
        actor=operator,
        station=station,
    )
    unit_services.sign_off_step(unit=unit, step=step, actor=operator, station=station)


def station_for(step, line, test_station):
    return line.station if step.operation.work_center == "ASSY-1" else test_station


@pytest.fixture
def reworked_at_step3(rev_s, line, operator, inspector):
    """Unit 1: steps 1–2 done; step 3 measured out of tolerance, NCR, reworked by a signed
    disposition, done again; steps 4–6 done once each at TEST-1. Unit 2: every step done once."""
    revision, steps, units, test_station = rev_s
    first, second = units
    unit_services.start_unit(unit=first, actor=operator, station=line.station)
    for step in steps[:2]:
        do_step(first, step, operator, line.station)
    recorded = results.record_result(
        unit=first, step=steps[2], characteristic_code="X3", value="1.4", actor=operator, station=line.station
    )
    dispositions.disposition_ncr(
        ncr=recorded.ncr,
        decision="rework",
        rework_steps=[steps[2].pk],
        reason="Gap too wide: shim again",
        signatures=[sig(inspector)],
        actor=inspector,
    )
    do_step(first, steps[2], operator, line.station)
    for step in steps[3:]:
        current = Unit.objects.get(pk=first.pk)
        assert (current.current_step_id, current.current_attempt) == (step.pk, 1)
        do_step(first, step, operator, test_station)
    unit_services.start_unit(unit=second, actor=operator, station=line.station)
    for step in steps:
        do_step(second, step, operator, station_for(step, line, test_station))
    return revision, steps, Unit.objects.get(pk=first.pk), Unit.objects.get(pk=second.pk)


def test_every_step_after_a_rework_is_attempt_1_and_the_reworked_step_attempt_2(reworked_at_step3):
    # given unit 1 reworked at step 3 (see the fixture)
    revision, steps, unit, _other = reworked_at_step3
    # when its as-built record is read
    record = as_built_record(unit)
    # then each step lists the attempts it had: step 3 two, every other step one
    attempts = {entry.position: [attempt.number for attempt in entry.attempts] for entry in record.steps}
    assert attempts == {1: [1], 2: [1], 3: [1, 2], 4: [1], 5: [1], 6: [1]}
    # and every attempt is signed off (step 3's first one was not: it went to rework)
    signed = {entry.position: [a.sign_off is not None for a in entry.attempts] for entry in record.steps}
    assert signed[3] == [False, True]
    assert record.as_json()["steps"][3]["attempts"][0]["number"] == 1


def test_the_first_pass_yield_per_step_counts_each_steps_own_history(reworked_at_step3):
    # given two units of rev S: one reworked at step 3, one done without deviation
    revision, steps, _unit, _other = reworked_at_step3
    # when engineering reads what the line found
    figures = {item.step.position: item for item in revision_feedback(revision).steps}
    # then the steps both units did once without deviation are 100 %, the reworked step 50 %
    assert {position: item.first_pass_yield for position, item in figures.items()} == {
        1: 100.0,
        2: 100.0,
        3: 50.0,
        4: 100.0,
        5: 100.0,
        6: 100.0,
    }
    assert (figures[3].units_done, figures[3].units_first_pass, figures[3].ncrs) == (2, 1, 1)


def test_the_start_station_is_where_the_unit_was_started(reworked_at_step3, api):
    # given unit 1 started at ST-1 and now at TEST-1-T1 (its last steps were done there)
    _revision, _steps, unit, _other = reworked_at_step3
    assert unit.station.code == "TEST-1-T1"
    # when its record is read (and through the API)
    record = as_built_record(unit)
    answer = api.get("/api/v1/units/{}/as-built".format(unit.serial))
    # then it names the station of the recorded start act
    assert record.started.station == "ST-1"
    assert answer.json()["started"]["station"] == "ST-1"
    assert record.completed.station == "TEST-1-T1"


def test_the_as_built_and_feedback_screens_take_the_same_queries_whatever_the_data(
    reworked_at_step3, rev_s, line, operator, engineer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.conftest import client_for
    from tests.line.test_as_built import RECORD_QUERIES

    revision, steps, reworked, clean = reworked_at_step3
    _revision, _steps, _units, test_station = rev_s
    client = client_for(engineer)
    feedback_url = reverse("quality:revision-feedback", args=[revision.pk])
    client.get(feedback_url)  # session and language settle on the first request
    # the as-built screen: a unit reworked (8 attempts, an NCR, a hold) and one done once
    for unit in (reworked, clean):
        with django_assert_num_queries(3 + RECORD_QUERIES):
            assert client.get(reverse("mes:unit-as-built", args=[unit.serial])).status_code == 200
    # the feedback screen with two units, then with five more of them done
    with lazy_loads_raise(), CaptureQueriesContext(connection) as few:
        assert client.get(feedback_url).status_code == 200
    more = work_order_services.create_work_order(
        number="WO-S2", part_number="100-200", quantity=5, revision="S", actor=engineer
    )
    for unit in more.units.order_by("serial"):
        unit_services.start_unit(unit=unit, actor=operator, station=line.station)
        for step in steps:
            do_step(unit, step, operator, station_for(step, line, test_station))
    with lazy_loads_raise(), CaptureQueriesContext(connection) as many:
        response = client.get(feedback_url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    figures = {item.step.position: item for item in revision_feedback(revision).steps}
    assert (figures[3].units_done, figures[3].units_first_pass, figures[4].first_pass_yield) == (7, 6, 100.0)
