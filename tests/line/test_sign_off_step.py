"""sign_off_step (invariant 3): only a complete step; an inspector countersigns where required."""

import pytest

from core.errors import DomainError
from line.choices import HoldKind, UnitStatus
from line.models import StepSignOff, Unit
from line.services import results, scans, tools
from line.services import units as unit_services
from line.services.units import Countersignature
from tests.conftest import PASSWORD, make_person
from tests.line.conftest import countersignature


def complete_step2(line, operator):
    scans.record_scan(unit=line.unit, step=line.step2, barcode="SCR-1", actor=operator, station=line.station)
    scans.record_scan(unit=line.unit, step=line.step2, barcode="TL-1", actor=operator, station=line.station)
    tools.record_tool_scan(
        unit=line.unit, step=line.step2, barcode="TD-0.6", actor=operator, station=line.station
    )
    results.record_result(
        unit=line.unit,
        step=line.step2,
        characteristic_code="TQ1",
        value="0.61",
        gauge="G-TQ-1",
        actor=operator,
        station=line.station,
    )
    results.record_result(
        unit=line.unit,
        step=line.step2,
        characteristic_code="VIS1",
        passed=True,
        actor=operator,
        station=line.station,
    )


def refuse_sign_off(line, actor, *, step=None, countersigner=None):
    before = (StepSignOff.objects.count(), list(Unit.objects.values_list("pk", "status", "current_step_id")))
    with pytest.raises(DomainError) as refused:
        unit_services.sign_off_step(
            unit=line.unit,
            step=step or line.step2,
            actor=actor,
            station=line.station,
            countersigner=countersigner,
        )
    assert StepSignOff.objects.count() == before[0]
    assert list(Unit.objects.values_list("pk", "status", "current_step_id")) == before[1]
    return refused.value


def test_signing_off_returns_the_next_step(started, operator):
    scans.record_scan(
        unit=started.unit, step=started.step1, barcode="PCB-0001", actor=operator, station=started.station
    )
    next_step = unit_services.sign_off_step(
        unit=started.unit, step=started.step1, actor=operator, station=started.station
    )
    assert next_step == started.step2
    started.unit.refresh_from_db()
    assert started.unit.current_step == started.step2


@pytest.mark.invariant(3)
def test_the_last_sign_off_completes_the_unit(at_step2, operator, inspector):
    complete_step2(at_step2, operator)
    assert (
        unit_services.sign_off_step(
            unit=at_step2.unit,
            step=at_step2.step2,
            actor=operator,
            station=at_step2.station,
            countersigner=countersignature(inspector),
        )
        is None
    )
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.COMPLETED
    assert at_step2.unit.completed_at is not None
    assert StepSignOff.objects.get(unit=at_step2.unit, step=at_step2.step2).countersigned_by == inspector


@pytest.mark.invariant(3)
def test_sign_off_lists_every_missing_item(at_step2, operator, inspector):
    error = refuse_sign_off(at_step2, operator, countersigner=countersignature(inspector))
    assert error.status == 409
    assert [(item.code, item.path) for item in error.errors] == [
        ("material_missing", "materials/300-550"),
        ("material_missing", "materials/300-900"),
        ("result_missing", "characteristics/TQ1"),
        ("result_missing", "characteristics/VIS1"),
        ("tool_missing", "tools/TD-0.6"),
    ]


@pytest.mark.invariant(3)
def test_sign_off_without_the_countersignature_is_refused(at_step2, operator):
    complete_step2(at_step2, operator)
    assert refuse_sign_off(at_step2, operator).code == "countersignature_required"


@pytest.mark.invariant(3)
def test_a_wrong_inspector_password_is_refused(at_step2, operator, inspector):
    complete_step2(at_step2, operator)
    error = refuse_sign_off(
        at_step2, operator, countersigner=Countersignature(username="ines", password="wrong-password-1")
    )
    assert error.code == "countersignature_invalid"


@pytest.mark.invariant(3)
def test_a_countersignature_by_a_non_inspector_is_refused(at_step2, operator, engineer):
    complete_step2(at_step2, operator)
    error = refuse_sign_off(
        at_step2, operator, countersigner=Countersignature(username=engineer.username, password=PASSWORD)
    )
    assert error.code == "countersigner_not_inspector"


@pytest.mark.invariant(3)
def test_an_inspector_cannot_countersign_their_own_sign_off(at_step2, engineer):
    from core.choices import Role
    from line.services import stations

    worker = make_person("iris", Role.INSPECTOR)
    stations.assign_stations(user=worker, station_codes=["ST-1"], actor=engineer)
    complete_step2(at_step2, at_step2.unit.started_by)
    error = refuse_sign_off(
        at_step2, worker, countersigner=Countersignature(username="iris", password=PASSWORD)
    )
    assert error.code == "countersigner_is_operator"


@pytest.mark.invariant(5)
def test_a_held_unit_cannot_be_signed_off(at_step2, operator, inspector):
    complete_step2(at_step2, operator)
    unit_services.place_hold(unit=at_step2.unit, kind=HoldKind.MANUAL, reason="Check", actor=inspector)
    assert (
        refuse_sign_off(at_step2, operator, countersigner=countersignature(inspector)).code == "unit_on_hold"
    )


def test_a_step_signed_off_twice_is_refused(started, operator):
    scans.record_scan(
        unit=started.unit, step=started.step1, barcode="PCB-0001", actor=operator, station=started.station
    )
    unit_services.sign_off_step(
        unit=started.unit, step=started.step1, actor=operator, station=started.station
    )
    assert refuse_sign_off(started, operator, step=started.step1).code == "already_signed_off"


@pytest.mark.invariant(6)
def test_after_a_rework_the_following_steps_are_executed_again_as_new_entries(at_step2, operator):
    # given step 2 already half done on the first pass: material scanned and TQ1 recorded
    line = at_step2
    scans.record_scan(unit=line.unit, step=line.step2, barcode="SCR-1", actor=operator, station=line.station)
    results.record_result(
        unit=line.unit,
        step=line.step2,
        characteristic_code="TQ1",
        value="0.61",
        gauge="G-TQ-1",
        actor=operator,
        station=line.station,
    )
    # when step 1 is reopened, done again and signed off
    unit_services.reopen_step(unit=line.unit, step=line.step1, actor=operator, reason="rework: PCB reseated")
    scans.record_scan(
        unit=line.unit, step=line.step1, barcode="PCB-0002", actor=operator, station=line.station
    )
    unit_services.sign_off_step(unit=line.unit, step=line.step1, actor=operator, station=line.station)
    # then step 2 is a new attempt: the first pass's scan and reading do not count for it
    unit = Unit.objects.get(pk=line.unit.pk)
    assert (unit.current_step_id, unit.current_attempt) == (line.step2.pk, 2)
    with pytest.raises(DomainError) as refused:
        unit_services.sign_off_step(unit=unit, step=line.step2, actor=operator, station=line.station)
    missing = [(error.code, error.path) for error in refused.value.errors]
    assert missing == [
        ("material_missing", "materials/300-550"),
        ("material_missing", "materials/300-900"),
        ("result_missing", "characteristics/TQ1"),
        ("result_missing", "characteristics/VIS1"),
        ("tool_missing", "tools/TD-0.6"),
    ]


@pytest.mark.invariant(7)
def test_the_countersignature_is_an_electronic_signature_bound_to_the_sign_off(at_step2, operator, inspector):
    from core.models import Signature
    from core.signatures import is_intact

    complete_step2(at_step2, operator)
    unit_services.sign_off_step(
        unit=at_step2.unit,
        step=at_step2.step2,
        actor=operator,
        station=at_step2.station,
        countersigner=countersignature(inspector),
    )
    sign_off = StepSignOff.objects.get(unit=at_step2.unit, step=at_step2.step2)
    signature = Signature.objects.get(subject_type="mes.stepsignoff", subject_id=str(sign_off.pk))
    assert (signature.signer_id, signature.meaning, signature.carried_by_id) == (
        inspector.pk,
        "reviewed",
        operator.pk,
    )
    assert signature.content["step"]["position"] == 2 and is_intact(signature)


def test_a_refused_countersignature_is_logged_and_signs_nothing(at_step2, operator, inspector):
    from core.models import AuditEntry, Signature

    complete_step2(at_step2, operator)
    error = refuse_sign_off(
        at_step2, operator, countersigner=Countersignature(username="ines", password="not-it-at-all")
    )
    assert error.code == "countersignature_invalid"
    assert Signature.objects.count() == 0
    refusal = AuditEntry.objects.get(action="signature.refused")
    assert (refusal.actor_id, refusal.data["username"], refusal.station) == (operator.pk, "ines", "ST-1")
