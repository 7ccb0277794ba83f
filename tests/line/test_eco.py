"""Units in flight across an ECO (invariant 2): held on release, then an engineer's signed decision."""

import pytest
from rest_framework.test import APIClient

from core.errors import DomainError
from core.models import AuditEntry, Signature
from core.signatures import SignatureRequest
from line.choices import HoldKind, HoldStatus, UnitStatus
from line.models import EcoDecision, Hold
from line.services import eco
from tests.conftest import PASSWORD, accept


def _revision_d(document, *, change_step1=False, change_step2=False, in_flight="stop_and_review"):
    document.update(
        revision="D",
        supersedes="C",
        release_id="ECO-1100",
        in_flight=in_flight,
        released_at="2026-11-20T08:00:00Z",
    )
    steps = document["operations"][0]["steps"]
    if change_step1:
        steps[0]["instruction"] = (
            "Hold the board by its edges only, with ESD gloves. Align the notch with the pin."
        )
    if change_step2:
        steps[1]["characteristics"][0].update(lower=0.57, upper=0.63)
    return document


def _sign(user, meaning="approved"):
    return SignatureRequest(username=user.username, password=PASSWORD, meaning=meaning)


@pytest.mark.invariant(2)
def test_a_continue_release_never_rebinds_or_holds_a_started_unit(at_step2, release_document, engineer):
    accept(_revision_d(release_document, change_step1=True, in_flight="continue"), engineer)
    at_step2.unit.refresh_from_db()
    assert (at_step2.unit.revision.revision, at_step2.unit.status) == ("C", UnitStatus.IN_PROGRESS)
    assert Hold.objects.filter(unit=at_step2.unit).count() == 0


@pytest.mark.invariant(2)
def test_a_stop_and_review_release_holds_started_units_for_an_engineer(at_step2, release_document, engineer):
    accept(_revision_d(release_document, change_step1=True), engineer)
    unit = at_step2.unit
    unit.refresh_from_db()
    assert (unit.revision.revision, unit.status) == ("C", UnitStatus.ON_HOLD)
    assert list(Hold.objects.filter(unit=unit).values_list("kind", "status")) == [
        (HoldKind.ECO_REVIEW, HoldStatus.OPEN)
    ]
    # planned units are not started: they are listed in the impact, not held
    assert Hold.objects.count() == 1


def test_the_impact_lists_units_and_the_done_steps_that_differ(
    at_step2, release_document, engineer, engineer_client
):
    revision = accept(_revision_d(release_document, change_step1=True), engineer).revision
    response = engineer_client.get("/api/v1/revisions/{}/impact".format(revision.pk))
    assert response.status_code == 200
    body = response.json()
    assert (body["supersedes"]["revision"], body["in_flight"]) == ("C", "stop_and_review")
    assert [order["number"] for order in body["work_orders"]] == ["WO-1"]
    started = next(unit for unit in body["units"] if unit["serial"] == at_step2.unit.serial)
    assert started["held_for_review"] is True
    assert [(step["position"], step["change"]) for step in started["differing_done_steps"]] == [
        (1, "changed")
    ]
    planned = [unit for unit in body["units"] if unit["serial"] != at_step2.unit.serial]
    assert [unit["status"] for unit in planned] == ["planned", "planned"]


def test_a_change_to_a_step_not_yet_done_is_not_a_differing_done_step(at_step2, release_document, engineer):
    revision = accept(_revision_d(release_document, change_step2=True), engineer).revision
    impact = eco.revision_impact(revision)
    assert [unit.differing_steps for unit in impact.units if unit.serial == at_step2.unit.serial] == [[]]


@pytest.mark.invariant(2)
def test_migrate_rebinds_and_reopens_the_differing_done_step(at_step2, release_document, engineer):
    revision = accept(_revision_d(release_document, change_step1=True), engineer).revision
    record = eco.decide_eco(
        unit=at_step2.unit,
        decision="migrate",
        reason="ESD gloves now required",
        signature=_sign(engineer),
        actor=engineer,
    )
    unit = at_step2.unit
    unit.refresh_from_db()
    assert (unit.revision_id, unit.status) == (revision.pk, UnitStatus.IN_PROGRESS)
    assert (unit.current_step.revision_id, unit.current_step.position) == (revision.pk, 1)
    assert record.reopened_from_id == unit.current_step_id
    assert [step["old_position"] for step in record.differing_steps] == [1]
    signature = record.signature
    assert (signature.signer_id, signature.meaning, signature.content["decision"]) == (
        engineer.pk,
        "approved",
        "migrate",
    )


@pytest.mark.invariant(2)
def test_migrate_skips_identical_done_steps(at_step2, release_document, engineer):
    revision = accept(_revision_d(release_document, change_step2=True), engineer).revision
    eco.decide_eco(
        unit=at_step2.unit,
        decision="migrate",
        reason="tighter torque limits",
        signature=_sign(engineer),
        actor=engineer,
    )
    unit = at_step2.unit
    unit.refresh_from_db()
    assert (unit.revision_id, unit.current_step.position) == (revision.pk, 2)


def test_continue_releases_the_hold_and_keeps_the_old_revision(at_step2, release_document, engineer):
    accept(_revision_d(release_document, change_step1=True), engineer)
    eco.decide_eco(
        unit=at_step2.unit,
        decision="continue",
        reason="change is cosmetic for built units",
        signature=_sign(engineer, "reviewed"),
        actor=engineer,
    )
    unit = at_step2.unit
    unit.refresh_from_db()
    assert (unit.revision.revision, unit.status, unit.current_step_id) == (
        "C",
        UnitStatus.IN_PROGRESS,
        at_step2.step2.pk,
    )


def test_scrap_scraps_the_unit(at_step2, release_document, engineer):
    accept(_revision_d(release_document, change_step1=True), engineer)
    eco.decide_eco(
        unit=at_step2.unit,
        decision="scrap",
        reason="board damaged by old method",
        signature=_sign(engineer),
        actor=engineer,
    )
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.SCRAPPED


def _nothing_changed(unit, before_revision, before_status):
    unit.refresh_from_db()
    assert (unit.revision_id, unit.status) == (before_revision, before_status)
    assert EcoDecision.objects.count() == 0
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    "who,password,meaning,code",
    [
        ("engineer", "wrong-password-1", "approved", "signature_invalid"),
        ("inspector", PASSWORD, "approved", "signer_not_authorised"),
        ("operator", PASSWORD, "approved", "signer_not_authorised"),
        ("engineer", PASSWORD, "liked", "signature_meaning_invalid"),
    ],
    ids=["wrong_password_case", "inspector_case", "operator_case", "meaning_case"],
)
def test_a_refused_signature_changes_nothing_and_is_logged(
    at_step2, release_document, engineer, inspector, operator, who, password, meaning, code
):
    accept(_revision_d(release_document, change_step1=True), engineer)
    unit = at_step2.unit
    unit.refresh_from_db()
    before = (unit.revision_id, unit.status)
    signer = {"engineer": engineer, "inspector": inspector, "operator": operator}[who]
    with pytest.raises(DomainError) as refused:
        eco.decide_eco(
            unit=unit,
            decision="migrate",
            reason="x",
            signature=SignatureRequest(signer.username, password, meaning),
            actor=engineer,
        )
    assert refused.value.code == code
    _nothing_changed(unit, *before)
    assert AuditEntry.objects.filter(action="signature.refused").count() == 1


def test_a_unit_not_held_for_review_has_nothing_to_decide(at_step2, release_document, engineer):
    accept(_revision_d(release_document, change_step1=True, in_flight="continue"), engineer)
    unit = at_step2.unit
    with pytest.raises(DomainError) as refused:
        eco.decide_eco(unit=unit, decision="migrate", reason="x", signature=_sign(engineer), actor=engineer)
    assert (refused.value.code, refused.value.status) == ("not_held_for_eco_review", 409)
    _nothing_changed(unit, unit.revision_id, UnitStatus.IN_PROGRESS)


def test_the_api_decides_with_a_signature_and_a_token_alone_cannot(
    at_step2, release_document, engineer, agent_token
):
    accept(_revision_d(release_document, change_step1=True), engineer)
    url = "/api/v1/units/{}/eco-decision".format(at_step2.unit.serial)
    client = APIClient()
    client.force_authenticate(engineer)
    missing = client.post(url, {"decision": "continue", "reason": "ok"}, format="json")
    assert missing.status_code == 400
    system = client.post(
        url,
        {
            "decision": "continue",
            "reason": "ok",
            "signature": {
                "username": agent_token[0].identity.username,
                "password": "x",
                "meaning": "approved",
            },
        },
        format="json",
    )
    assert system.status_code == 422
    assert EcoDecision.objects.count() == 0
    signed = client.post(
        url,
        {
            "decision": "continue",
            "reason": "cosmetic change",
            "signature": {"username": "erik", "password": PASSWORD, "meaning": "approved"},
        },
        format="json",
    )
    assert signed.status_code == 200, signed.json()
    assert (signed.json()["status"], signed.json()["signature"]["printed_name"]) == (
        "in_progress",
        "Erik Engineer (erik)",
    )
