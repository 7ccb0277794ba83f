"""The NCR API: raise, list, disposition signed by a person; a token alone never signs."""

import pytest

from core.choices import Role
from core.models import AuditEntry, Signature
from line.models import Unit
from quality.models import Ncr
from tests.conftest import PASSWORD, api_client_for
from tests.quality.conftest import snapshot


def disposition_url(ncr) -> str:
    return "/api/v1/ncrs/{}/disposition".format(ncr.pk)


def test_an_integration_raises_an_ncr_and_the_unit_is_held(api, at_step2):
    answer = api.post(
        "/api/v1/ncrs",
        {"unit": at_step2.unit.serial, "step": at_step2.step2.pk, "description": "Dent on cover"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["status"], body["unit"], body["step"], body["decision"]) == (
        "open",
        at_step2.unit.serial,
        at_step2.step2.pk,
        None,
    )
    assert Unit.objects.get(pk=at_step2.unit.pk).status == "on_hold"
    listed = api.get("/api/v1/ncrs?status=open").json()["ncrs"]
    assert [row["id"] for row in listed] == [body["id"]]


def test_an_integration_token_cannot_disposition_at_all(api, ncr_at_step2):
    before = snapshot(ncr_at_step2)
    answer = api.post(
        disposition_url(ncr_at_step2),
        {
            "decision": "scrap",
            "reason": "x",
            "signature": {"username": "plm-adapter", "password": "", "meaning": "approved"},
        },
        format="json",
    )
    assert answer.status_code in (400, 403)
    assert snapshot(ncr_at_step2) == before


@pytest.mark.invariant(11)
@pytest.mark.parametrize("case", ["no_signature_case", "token_identity_signs_case"])
def test_an_inspector_role_token_alone_can_never_sign(case, ncr_at_step2):
    # given an agent with the inspector role (it holds quality.disposition_ncr)
    bot = api_client_for(Role.INSPECTOR, "qa-agent")
    body = {"decision": "scrap", "reason": "Beyond repair"}
    if case == "token_identity_signs_case":
        body["signature"] = {"username": "qa-agent", "password": "anything", "meaning": "approved"}
    before = snapshot(ncr_at_step2)
    # when it dispositions with no person's password
    answer = bot.post(disposition_url(ncr_at_step2), body, format="json")
    # then it is refused, nothing changed, and the attempt is logged
    assert answer.status_code == 422
    assert (
        answer.json()["errors"][0]["code"]
        == {"no_signature_case": "signature_required", "token_identity_signs_case": "signature_invalid"}[case]
    )
    assert snapshot(ncr_at_step2) == before
    assert AuditEntry.objects.filter(action="signature.refused", actor_label="qa-agent").count() == 1


def test_an_agent_carries_a_person_signature(ncr_at_step2, inspector):
    # given an agent that carries the inspector's own user name and password (typed by the inspector)
    bot = api_client_for(Role.INSPECTOR, "qa-agent")
    answer = bot.post(
        disposition_url(ncr_at_step2),
        {
            "decision": "rework",
            "reason": "Re-torque",
            "rework_steps": [ncr_at_step2.step_id],
            "signature": {"username": "ines", "password": PASSWORD, "meaning": "approved"},
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["status"], body["decision"]) == ("dispositioned", "rework")
    assert [(row["username"], row["meaning"]) for row in body["disposition"]["signatures"]] == [
        ("ines", "approved")
    ]
    signature = Signature.objects.get()
    assert (signature.signer, signature.carried_by.username) == (inspector, "qa-agent")
    assert Unit.objects.get(pk=ncr_at_step2.unit_id).status == "in_progress"
    # and a second disposition is a conflict
    again = bot.post(
        disposition_url(ncr_at_step2),
        {
            "decision": "scrap",
            "reason": "x",
            "signature": {"username": "ines", "password": PASSWORD, "meaning": "approved"},
        },
        format="json",
    )
    assert (again.status_code, again.json()["errors"][0]["code"]) == (409, "ncr_already_dispositioned")
    assert Ncr.objects.get(pk=ncr_at_step2.pk).decision == "rework"


def test_a_lot_ncr_splits_its_quantity(api, at_step2, inspector, second_inspector):
    answer = api.post(
        "/api/v1/ncrs", {"lot": "SCR-1", "description": "Thread gauge fails on a sample"}, format="json"
    )
    ncr_id = answer.json()["id"]
    bot = api_client_for(Role.INSPECTOR, "qa-agent")
    split = {
        "lines": [
            {"decision": "use_as_is", "quantity": "60"},
            {"decision": "return_to_vendor", "quantity": "40", "rtv_reference": "RTV-9"},
        ],
        "reason": "Sorted: 40 fail",
        "signature": {"username": "ines", "password": PASSWORD, "meaning": "approved"},
        "second_signature": {"username": "ivan", "password": PASSWORD, "meaning": "reviewed"},
    }
    bad = bot.post(
        "/api/v1/ncrs/{}/disposition".format(ncr_id), {**split, "lines": split["lines"][:1]}, format="json"
    )
    assert (bad.status_code, bad.json()["errors"][0]["code"]) == (422, "split_does_not_add_up")
    answer = bot.post("/api/v1/ncrs/{}/disposition".format(ncr_id), split, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["decision"] == "split"
    assert [(line["decision"], line["quantity"]) for line in body["disposition"]["lines"]] == [
        ("use_as_is", "60"),
        ("return_to_vendor", "40"),
    ]
    at_step2.screws.refresh_from_db()
    assert at_step2.screws.status == "quarantined"
