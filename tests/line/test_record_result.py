"""record_result (invariant 5): the server decides; out of tolerance raises an NCR with evidence and
holds the unit."""

from datetime import timedelta

import pytest

from core.errors import DomainError
from core.models import OutboxEvent
from line.choices import HoldKind, UnitStatus
from line.models import Hold, StepResult
from line.services import results
from line.services import tools as tool_services
from quality.models import Ncr
from tests.line.conftest import today


def record(line, actor, **kwargs):
    return results.record_result(unit=line.unit, step=line.step2, actor=actor, station=line.station, **kwargs)


def refuse(line, actor, **kwargs):
    before = (StepResult.objects.count(), Ncr.objects.count(), Hold.objects.count())
    with pytest.raises(DomainError) as refused:
        record(line, actor, **kwargs)
    assert (StepResult.objects.count(), Ncr.objects.count(), Hold.objects.count()) == before
    return refused.value


@pytest.mark.invariant(5)
def test_a_value_inside_the_limits_is_in_tolerance(at_step2, operator):
    outcome = record(at_step2, operator, characteristic_code="TQ1", value="0.65", gauge="G-TQ-1")
    assert outcome.in_tolerance is True
    assert outcome.ncr is None
    assert OutboxEvent.objects.filter(type="result.recorded").last().data["in_tolerance"] is True


@pytest.mark.invariant(5)
def test_out_of_tolerance_raises_an_ncr_and_holds_the_unit(at_step2, operator):
    outcome = record(at_step2, operator, characteristic_code="TQ1", value="0.70", gauge="G-TQ-1")
    assert outcome.in_tolerance is False
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.ON_HOLD
    ncr = outcome.ncr
    assert ncr.status == "open"
    assert ncr.hold.kind == HoldKind.NCR
    assert ncr.result == outcome.result
    assert ncr.evidence["characteristic"]["lower"] == "0.55"
    assert ncr.evidence["characteristic"]["upper"] == "0.65"
    assert ncr.evidence["result"]["value"] == "0.7"
    assert ncr.evidence["result"]["gauge"] == "G-TQ-1"
    assert ncr.evidence["operator"] == "olga"
    assert ncr.evidence["station"] == "ST-1"
    assert ncr.evidence["revision"]["revision"] == "C"
    assert ncr.evidence["step"]["id"] == at_step2.step2.pk
    assert OutboxEvent.objects.filter(type="ncr.raised").count() == 1
    assert OutboxEvent.objects.filter(type="unit.held").count() == 1


@pytest.mark.invariant(5)
def test_a_failed_attribute_is_out_of_tolerance(at_step2, operator):
    outcome = record(at_step2, operator, characteristic_code="VIS1", passed=False)
    assert outcome.in_tolerance is False
    assert outcome.ncr is not None


@pytest.mark.invariant(6)
def test_re_recording_points_at_the_replaced_result(at_step2, operator):
    first = record(at_step2, operator, characteristic_code="VIS1", passed=True).result
    second = record(at_step2, operator, characteristic_code="VIS1", passed=True, reason="Looked again").result
    assert second.replaces == first
    assert second.reason == "Looked again"
    assert StepResult.objects.count() == 2


@pytest.mark.invariant(5)
def test_a_held_unit_cannot_record_results(at_step2, operator):
    record(at_step2, operator, characteristic_code="VIS1", passed=False)
    assert (
        refuse(at_step2, operator, characteristic_code="TQ1", value="0.6", gauge="G-TQ-1").code
        == "unit_on_hold"
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param({"characteristic_code": "TQ1", "value": "0.6"}, "gauge_required", id="no_gauge"),
        pytest.param(
            {"characteristic_code": "TQ1", "value": "0.6", "gauge": "G-NONE"},
            "unknown_tool",
            id="unknown_gauge",
        ),
        pytest.param(
            {"characteristic_code": "TQ1", "value": "0.6", "gauge": "TD-0.6"},
            "wrong_gauge_or_ok",
            id="driver_as_gauge",
        ),
        pytest.param({"characteristic_code": "TQ1", "gauge": "G-TQ-1"}, "value_required", id="no_value"),
        pytest.param(
            {"characteristic_code": "TQ1", "value": "abc", "gauge": "G-TQ-1"},
            "invalid_value",
            id="not_a_number",
        ),
        pytest.param(
            {"characteristic_code": "TQ1", "value": "NaN", "gauge": "G-TQ-1"}, "invalid_value", id="nan"
        ),
        pytest.param({"characteristic_code": "VIS1"}, "passed_required", id="no_pass_fail"),
        pytest.param(
            {"characteristic_code": "VIS1", "passed": True, "value": "1"},
            "value_not_allowed",
            id="value_on_attribute",
        ),
        pytest.param(
            {"characteristic_code": "XX9", "value": "1"}, "not_required_here", id="unknown_characteristic"
        ),
    ],
)
def test_bad_results_are_refused(at_step2, operator, kwargs, code):
    if code == "wrong_gauge_or_ok":
        # TD-0.6 has no gauge type registered: any tool may serve, so it is accepted.
        assert record(at_step2, operator, **kwargs).in_tolerance is True
        return
    assert refuse(at_step2, operator, **kwargs).code == code


def test_a_gauge_past_its_calibration_is_refused(at_step2, operator, engineer):
    tool_services.register_tool(
        code="G-TQ-1", kind="torque driver", calibration_due=today() - timedelta(days=1), actor=engineer
    )
    assert (
        refuse(at_step2, operator, characteristic_code="TQ1", value="0.6", gauge="G-TQ-1").code
        == "tool_calibration_expired"
    )


def test_a_gauge_of_another_type_is_refused(at_step2, operator, engineer):
    tool_services.register_tool(
        code="CAL-1", kind="caliper", calibration_due=today() + timedelta(days=9), actor=engineer
    )
    assert (
        refuse(at_step2, operator, characteristic_code="TQ1", value="0.6", gauge="CAL-1").code
        == "wrong_gauge"
    )


@pytest.mark.invariant(5)
def test_an_out_of_tolerance_result_writes_each_act_once(at_step2, operator):
    """One result, three acts (the result, the hold, the NCR): one audit entry, one event and at
    most one history row each, and nothing written twice (issue 10: it wrote 13 rows, now 11)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import AuditEntry

    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        record(at_step2, operator, characteristic_code="TQ1", value="0.70", gauge="G-TQ-1")
    inserts = [q["sql"].split('"')[1] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert AuditEntry.objects.count() - audits == 3
    assert sorted(OutboxEvent.objects.values_list("type", flat=True)[events:]) == [
        "ncr.raised",
        "result.recorded",
        "unit.held",
    ]
    # the result, the hold and the NCR rows; one history row, audit entry and event per act
    assert inserts == [
        "mes_stepresult",
        "core_auditentry",
        "core_outboxevent",
        "mes_hold",
        "mes_unitevent",
        "core_auditentry",
        "core_outboxevent",
        "quality_ncr",
        "quality_ncrevent",
        "core_auditentry",
        "core_outboxevent",
    ]
