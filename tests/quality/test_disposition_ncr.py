"""disposition_ncr: decisions, e-signatures (Part 11), holds (invariant 5), refusals that change nothing."""

from decimal import Decimal

import pytest

from core import signatures
from core.errors import DomainError
from core.models import AuditEntry, OutboxEvent, Signature
from line.models import Hold, StepResult, StepSignOff, Unit
from line.services import results
from quality.models import Disposition, Ncr
from quality.services import dispositions, ncrs
from tests.quality.conftest import out_of_tolerance, sig, snapshot


def decide(ncr, actor, decision="scrap", signers=None, **extra):
    return dispositions.disposition_ncr(
        ncr=ncr,
        decision=decision,
        reason=extra.pop("reason", "Torque far beyond limit"),
        signatures=signers if signers is not None else [sig(actor)],
        actor=actor,
        **extra,
    )


@pytest.mark.invariant(5)
def test_use_as_is_with_review_board_releases_the_hold_and_the_unit_continues(
    ncr_at_step2, inspector, second_inspector, operator
):
    # given a unit held by an out-of-tolerance NCR
    unit = Unit.objects.get(pk=ncr_at_step2.unit_id)
    assert unit.status == "on_hold"
    # when two inspectors sign a use-as-is
    outcome = decide(
        ncr_at_step2,
        inspector,
        "use_as_is",
        signers=[sig(inspector, "approved"), sig(second_inspector, "reviewed")],
    )
    # then the NCR is dispositioned, the hold released, the unit back in progress
    ncr = Ncr.objects.get(pk=ncr_at_step2.pk)
    assert (ncr.status, ncr.decision, ncr.decided_by) == ("dispositioned", "use_as_is", inspector)
    assert Unit.objects.get(pk=unit.pk).status == "in_progress"
    assert [hold.status for hold in Hold.objects.filter(unit=unit)] == ["released"]
    assert len(outcome.released_holds) == 1
    # and two signatures bound to the same content hash, recomputable from the stored content
    rows = list(
        Signature.objects.filter(
            subject_type="quality.disposition", subject_id=str(outcome.disposition.pk)
        ).order_by("id")
    )
    assert [(row.signer.username, row.meaning) for row in rows] == [
        ("ines", "approved"),
        ("ivan", "reviewed"),
    ]
    assert {row.content_hash for row in rows} == {outcome.disposition.content_hash}
    assert all(signatures.is_intact(row) for row in rows)
    assert rows[0].printed_name == "Ines Inspector (ines)"
    assert rows[0].content["decisions"][0]["decision"] == "use_as_is"
    assert rows[0].content["ncr"]["value"] == "0.9"
    # and the operator can now record the rest and sign off the step
    results.record_result(
        unit=unit,
        step=ncr.step,
        characteristic_code="VIS1",
        passed=True,
        actor=operator,
        station=unit.station,
    )
    assert OutboxEvent.objects.filter(type="ncr.dispositioned", subject="ncr:" + ncr.number).count() == 1


def test_the_signature_hash_changes_with_any_word_of_the_content():
    content = {"ncr": {"id": 1, "value": Decimal("0.90")}, "reason": "ok"}
    assert signatures.content_hash(content) == signatures.content_hash(
        {"reason": "ok", "ncr": {"value": Decimal("0.9"), "id": 1}}
    )
    assert signatures.content_hash(content) != signatures.content_hash({**content, "reason": "ok."})


def test_rework_reopens_the_named_step_as_a_new_attempt_keeping_the_first(ncr_at_step2, inspector, operator):
    # given the NCR on step 2, attempt 1
    unit = Unit.objects.get(pk=ncr_at_step2.unit_id)
    first = list(StepResult.objects.filter(unit=unit).values_list("pk", "attempt", "value"))
    # when the inspector decides rework of step 2
    decide(ncr_at_step2, inspector, "rework", rework_steps=[ncr_at_step2.step_id])
    # then step 2 is current again as attempt 2, the unit works, and attempt 1's result is untouched
    unit.refresh_from_db()
    assert (unit.status, unit.current_step_id, unit.current_attempt) == (
        "in_progress",
        ncr_at_step2.step_id,
        2,
    )
    assert list(StepResult.objects.filter(unit=unit).values_list("pk", "attempt", "value")) == first
    # and the step is executed again as new entries
    outcome = results.record_result(
        unit=unit,
        step=unit.current_step,
        characteristic_code="TQ1",
        value="0.6",
        gauge="G-TQ-1",
        actor=operator,
        station=unit.station,
    )
    assert (outcome.result.attempt, outcome.in_tolerance) == (2, True)


def test_rework_of_an_earlier_step_reopens_it(ncr_at_step2, inspector, line):
    decide(ncr_at_step2, inspector, "rework", rework_steps=[line.step1.pk, line.step2.pk])
    unit = Unit.objects.get(pk=ncr_at_step2.unit_id)
    assert (unit.current_step_id, unit.current_attempt, unit.status) == (line.step1.pk, 2, "in_progress")
    assert StepSignOff.objects.filter(unit=unit, step=line.step1, attempt=1).exists()


def test_repair_needs_a_note_and_reopens_the_step_for_reinspection(ncr_at_step2, inspector, second_inspector):
    with pytest.raises(DomainError) as refused:
        decide(ncr_at_step2, inspector, "repair", signers=[sig(inspector), sig(second_inspector)])
    assert refused.value.code == "repair_note_required"
    decide(
        ncr_at_step2,
        inspector,
        "repair",
        signers=[sig(inspector), sig(second_inspector)],
        repair_note="Re-seated the PCB",
    )
    unit = Unit.objects.get(pk=ncr_at_step2.unit_id)
    assert (unit.status, unit.current_attempt) == ("in_progress", 2)
    assert Disposition.objects.get(ncr=ncr_at_step2).lines.get().repair_note == "Re-seated the PCB"


def test_scrap_ends_the_unit(ncr_at_step2, inspector, operator, line):
    decide(ncr_at_step2, inspector, "scrap")
    unit = Unit.objects.get(pk=ncr_at_step2.unit_id)
    assert (unit.status, unit.current_step_id) == ("scrapped", None)
    with pytest.raises(DomainError) as refused:
        results.record_result(
            unit=unit,
            step=line.step2,
            characteristic_code="VIS1",
            passed=True,
            actor=operator,
            station=line.station,
        )
    assert refused.value.code == "unit_scrapped"


def test_return_to_vendor_quarantines_the_lot_and_records_the_rtv(at_step2, inspector, operator):
    # given an operator-reported problem about the screw lot
    unit = at_step2.unit
    ncr = ncrs.raise_ncr(
        unit=unit,
        step=at_step2.step2,
        lot=at_step2.screws,
        description="Screw heads cracked",
        actor=operator,
        station=at_step2.station,
    )
    # when the inspector returns it to the vendor
    decide(ncr, inspector, "return_to_vendor", rtv_reference="RTV-77")
    # then the lot is quarantined, the RTV recorded and the unit released
    at_step2.screws.refresh_from_db()
    assert at_step2.screws.status == "quarantined"
    assert Disposition.objects.get(ncr=ncr).lines.get().rtv_reference == "RTV-77"
    assert Unit.objects.get(pk=unit.pk).status == "in_progress"


@pytest.mark.invariant(5)
@pytest.mark.parametrize(
    "case",
    [
        "wrong_password_case",
        "operator_signs_case",
        "system_identity_signs_case",
        "no_signature_case",
        "review_board_with_one_signature_case",
        "review_board_same_person_twice_case",
        "bad_meaning_case",
    ],
)
def test_refused_signatures_change_nothing_and_are_logged(
    case, ncr_at_step2, inspector, second_inspector, operator, agent
):
    # given an open NCR and what the signer typed
    decision, signers, code = {
        "wrong_password_case": ("scrap", [sig(inspector, password="not-it")], "signature_invalid"),
        "operator_signs_case": ("scrap", [sig(operator)], "signer_not_authorised"),
        "system_identity_signs_case": ("scrap", [sig(agent, password="")], "signature_required"),
        "no_signature_case": ("scrap", [], "signature_required"),
        "review_board_with_one_signature_case": (
            "use_as_is",
            [sig(inspector)],
            "review_board_signature_required",
        ),
        "review_board_same_person_twice_case": (
            "use_as_is",
            [sig(inspector), sig(inspector, "reviewed")],
            "review_board_same_person",
        ),
        "bad_meaning_case": ("scrap", [sig(inspector, meaning="because")], "signature_meaning_invalid"),
    }[case]
    before = snapshot(ncr_at_step2)
    refusals_before = AuditEntry.objects.filter(action="signature.refused").count()
    # when the disposition is attempted
    with pytest.raises(DomainError) as refused:
        decide(ncr_at_step2, inspector, decision, signers=signers)
    # then it is refused with its code, nothing changed, and the attempt is in the audit trail
    assert refused.value.code == code
    assert snapshot(ncr_at_step2) == before
    assert AuditEntry.objects.filter(action="signature.refused").count() == refusals_before + 1


def test_a_system_identity_cannot_sign_even_with_a_password(ncr_at_step2, inspector, agent):
    # given a system identity that somehow has a password and the inspector role
    agent.role = "inspector"
    agent.set_password("agent-secret-123")
    agent.save()
    before = snapshot(ncr_at_step2)
    with pytest.raises(DomainError) as refused:
        decide(ncr_at_step2, agent, "scrap", signers=[sig(agent, password="agent-secret-123")])
    assert refused.value.code == "signer_not_a_person"
    assert snapshot(ncr_at_step2) == before


@pytest.mark.parametrize("case", ["second_disposition_case", "closed_ncr_case"])
def test_a_decided_or_closed_ncr_refuses_another_disposition(case, ncr_at_step2, inspector):
    decide(ncr_at_step2, inspector, "scrap")
    if case == "closed_ncr_case":
        ncrs.close_ncr(ncr=ncr_at_step2, actor=inspector, reason="Unit scrapped and tagged")
    before = snapshot(ncr_at_step2)
    with pytest.raises(DomainError) as refused:
        decide(ncr_at_step2, inspector, "rework", rework_steps=[ncr_at_step2.step_id])
    assert (
        refused.value.code
        == {"second_disposition_case": "ncr_already_dispositioned", "closed_ncr_case": "ncr_closed"}[case]
    )
    assert refused.value.status == 409
    assert snapshot(ncr_at_step2) == before


@pytest.mark.invariant(5)
def test_the_hold_stays_while_another_ncr_of_the_unit_is_open(ncr_at_step2, inspector, operator, at_step2):
    # given a second NCR on the same unit (a problem reported by the operator)
    unit = Unit.objects.get(pk=ncr_at_step2.unit_id)
    second = ncrs.raise_ncr(
        unit=unit,
        step=at_step2.step2,
        description="Housing scratched",
        actor=operator,
        station=at_step2.station,
    )
    # when the first is dispositioned
    outcome = decide(ncr_at_step2, inspector, "rework", rework_steps=[at_step2.step2.pk])
    # then the unit stays on hold, both holds open
    assert outcome.kept_on_hold_by == [second.number]
    assert Unit.objects.get(pk=unit.pk).status == "on_hold"
    assert Hold.objects.filter(unit=unit, status="open").count() == 2
    # and releasing the hold directly is refused, nothing changed
    before = snapshot(ncr_at_step2)
    with pytest.raises(DomainError) as refused:
        dispositions.release_unit_holds(ncr=ncr_at_step2, actor=inspector, reason="try")
    assert refused.value.code == "other_ncr_open"
    assert snapshot(ncr_at_step2) == before
    # when the second is dispositioned too, every NCR hold is released
    decide(second, inspector, "rework", rework_steps=[at_step2.step2.pk])
    assert Unit.objects.get(pk=unit.pk).status == "in_progress"
    assert Hold.objects.filter(unit=unit, status="open").count() == 0


def test_every_move_is_in_the_ncr_history_and_the_audit_trail(ncr_at_step2, inspector):
    ncrs.start_review(ncr=ncr_at_step2, actor=inspector)
    decide(ncr_at_step2, inspector, "scrap")
    ncrs.close_ncr(ncr=ncr_at_step2, actor=inspector, reason="Scrap tag attached")
    ncr = Ncr.objects.get(pk=ncr_at_step2.pk)
    kinds = [(event.kind, event.before, event.after) for event in ncr.events.order_by("id")]
    # one history row per act: the disposition's row says its status move itself
    assert kinds == [
        ("raised", "", "open"),
        ("status", "open", "in_review"),
        ("signed", "", ""),
        ("disposition", "in_review", "dispositioned"),
        ("status", "dispositioned", "closed"),
    ]
    # and each act's audit entry names its history row, so a history screen joins them
    rows = {event.pk: event for event in ncr.events.all()}
    for entry in AuditEntry.objects.filter(subject_type="quality.ncr", subject_id=str(ncr.pk)):
        (named,) = entry.data["history"]
        assert named["model"] == "quality.ncrevent"
        assert rows[named["id"]].after == entry.data.get("status", "open")
    assert list(
        AuditEntry.objects.filter(subject_type="quality.ncr", subject_id=str(ncr.pk)).values_list(
            "action", flat=True
        )
    ) == ["ncr.raised", "ncr.in_review", "ncr.dispositioned", "ncr.closed"]
    assert list(OutboxEvent.objects.filter(subject="ncr:" + ncr.number).values_list("type", flat=True)) == [
        "ncr.raised",
        "ncr.in_review",
        "ncr.dispositioned",
        "ncr.closed",
    ]


def test_a_closed_ncr_cannot_be_reopened_or_closed_again(ncr_at_step2, inspector):
    with pytest.raises(DomainError) as refused:
        ncrs.close_ncr(ncr=ncr_at_step2, actor=inspector, reason="too early")
    assert refused.value.code == "ncr_transition_refused"
    assert Ncr.objects.get(pk=ncr_at_step2.pk).status == "open"


def test_unit_level_ncr_hold_for_two_units_is_independent(at_step2, operator, inspector):
    ncr = out_of_tolerance(at_step2, operator, value="0.1")
    decide(ncr, inspector, "scrap")
    assert Unit.objects.filter(status="on_hold").count() == 0
    assert Unit.objects.get(pk=ncr.unit_id).status == "scrapped"
