"""start_unit: binds the revision (invariant 2), refuses beyond the WIP limit (invariant 11) and every
other wrong start."""

import pytest

from core.errors import DomainError
from core.models import OutboxEvent
from instructions.choices import RevisionStatus
from instructions.models import Revision
from line.choices import UnitEventKind, UnitStatus
from line.models import Unit, UnitEvent
from line.services import stations as station_services
from line.services import units as unit_services


def refuse_start(unit, actor, station):
    before = Unit.objects.values_list("serial", "status", "station_id", "revision_bound_at").order_by(
        "serial"
    )
    before = list(before)
    events = OutboxEvent.objects.filter(type="unit.started").count()
    with pytest.raises(DomainError) as refused:
        unit_services.start_unit(unit=unit, actor=actor, station=station)
    assert (
        list(
            Unit.objects.values_list("serial", "status", "station_id", "revision_bound_at").order_by("serial")
        )
        == before
    )
    assert OutboxEvent.objects.filter(type="unit.started").count() == events
    return refused.value


@pytest.mark.invariant(2)
def test_start_binds_the_revision_and_opens_the_first_step(line, operator):
    unit = unit_services.start_unit(unit=line.unit, actor=operator, station=line.station)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.IN_PROGRESS
    assert unit.revision.revision == "C"
    assert unit.revision_bound_at is not None
    assert unit.current_step == line.step1
    assert unit.station == line.station
    assert unit.started_by == operator
    assert UnitEvent.objects.filter(unit=unit, kind=UnitEventKind.REVISION_BOUND).count() == 1
    event = OutboxEvent.objects.get(type="unit.started")
    assert event.data["serial"] == unit.serial
    assert event.data["revision"]["revision"] == "C"


@pytest.mark.invariant(11)
def test_starting_beyond_the_wip_limit_is_refused(line, operator):
    unit_services.start_unit(unit=line.units[0], actor=operator, station=line.station)
    unit_services.start_unit(unit=line.units[1], actor=operator, station=line.station)
    error = refuse_start(line.units[2], operator, line.station)
    assert error.code == "wip_limit_reached"
    assert error.status == 409
    assert "limit 2" in error.message


@pytest.mark.invariant(11)
def test_the_wip_limit_binds_an_agent_too(line, agent, engineer):
    from core.choices import Role
    from core.identities import create_api_token

    token, _key = create_api_token(name="line-agent", role=Role.OPERATOR, actor=None)
    station_services.assign_stations(user=token.identity, station_codes=["ST-1"], actor=engineer)
    unit_services.start_unit(unit=line.units[0], actor=token.identity, station=line.station)
    unit_services.start_unit(unit=line.units[1], actor=token.identity, station=line.station)
    assert refuse_start(line.units[2], token.identity, line.station).code == "wip_limit_reached"


def test_a_unit_already_started_is_refused(line, operator):
    unit_services.start_unit(unit=line.unit, actor=operator, station=line.station)
    assert refuse_start(line.unit, operator, line.station).code == "unit_not_planned"


def test_a_station_at_another_work_center_is_refused(line, operator, engineer):
    # given a station whose work center no first step of rev C runs at (moved there after registration)
    other = station_services.register_station(code="ST-9", work_center="ASSY-1", actor=engineer)
    other.work_center = "PACK-1"
    other.save()
    station_services.assign_stations(user=operator, station_codes=["ST-9"], actor=engineer)
    error = refuse_start(line.unit, operator, other)
    assert error.code == "wrong_work_center"


def test_an_operator_not_assigned_to_the_station_is_refused(line, outsider):
    error = refuse_start(line.unit, outsider, line.station)
    assert error.code == "station_not_assigned"
    assert error.status == 403


@pytest.mark.invariant(1)
def test_a_draft_revision_is_refused(line, operator):
    Revision.objects.filter(pk=line.unit.revision_id).update(status=RevisionStatus.DRAFT)
    assert refuse_start(line.unit, operator, line.station).code == "revision_not_released"


@pytest.mark.invariant(7)
def test_the_start_is_one_act_naming_its_history_rows(line, operator):
    """Issue 10: the start's status move is audited with the act, one event, no `unit.status_changed`."""
    from core.models import AuditEntry, OutboxEvent
    from line.models import UnitEvent

    events_before = OutboxEvent.objects.count()
    unit_services.start_unit(unit=line.unit, actor=operator, station=line.station)
    entry = AuditEntry.objects.get(action="unit.started")
    assert entry.data["status"] == "in_progress" and entry.data["previous_status"] == "planned"
    named = [UnitEvent.objects.get(pk=row["id"]) for row in entry.data["history"]]
    assert [(row.kind, row.after) for row in named] == [
        ("revision_bound", str(line.unit.revision_id)),
        ("status", "in_progress"),
    ]
    assert list(OutboxEvent.objects.values_list("type", flat=True)[events_before:]) == ["unit.started"]
    assert OutboxEvent.objects.get(type="unit.started").data["previous_status"] == "planned"
