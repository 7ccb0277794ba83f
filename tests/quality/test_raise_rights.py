"""Who raises what by hand: containment needs quarantine rights; operators raise at their own station."""

import pytest
from django.urls import reverse

from core.choices import Role
from core.errors import DomainError
from core.models import AuditEntry, OutboxEvent
from line.models import Hold, LotEvent, MaterialLot, Unit
from line.services import scans
from quality.models import Ncr, NcrEvent
from quality.services import containment, ncrs
from tests.conftest import api_client_for, client_for


def everything():
    """What a refused raise must leave as it was."""
    return {
        "ncrs": Ncr.objects.count(),
        "ncr_events": NcrEvent.objects.count(),
        "holds": list(Hold.objects.order_by("pk").values_list("pk", "status")),
        "units": list(Unit.objects.order_by("pk").values_list("serial", "status")),
        "lots": list(MaterialLot.objects.order_by("pk").values_list("code", "status")),
        "lot_events": LotEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }


@pytest.fixture
def screws_used(at_step2, operator):
    """Unit 1 consumed 4 screws of SCR-1."""
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    return at_step2


@pytest.mark.parametrize("who", ["integration_case", "operator_case"])
def test_contain_through_the_api_is_refused_without_quarantine_rights(screws_used, who):
    # given an identity that may raise NCRs but not quarantine lots
    client = {
        "integration_case": lambda: api_client_for(Role.INTEGRATION, "erp"),
        "operator_case": lambda: api_client_for(Role.OPERATOR, "line-bot"),
    }[who]()
    before = everything()
    # when it raises a lot NCR with containment
    answer = client.post(
        "/api/v1/ncrs", {"lot": "SCR-1", "contain": True, "description": "Recall"}, format="json"
    )
    # then it is refused (403) and nothing changed: no NCR, lot available, unit not held
    assert answer.status_code == 403, answer.json()
    assert answer.json()["errors"][0]["code"] == "permission_denied"
    assert everything() == before


@pytest.mark.parametrize("who", ["operator", "agent"])
def test_contain_lot_refuses_without_quarantine_rights_in_the_service(screws_used, request, who):
    actor = request.getfixturevalue(who)
    before = everything()
    with pytest.raises(DomainError) as refused:
        containment.contain_lot(lot=screws_used.screws, description="Recall", actor=actor)
    assert (refused.value.status, refused.value.code) == (403, "permission_denied")
    assert everything() == before


def test_an_inspector_contains_through_the_api(screws_used):
    # given an inspector's token
    client = api_client_for(Role.INSPECTOR, "qa-agent")
    # when it raises a lot NCR with containment
    answer = client.post(
        "/api/v1/ncrs", {"lot": "SCR-1", "contain": True, "description": "Recall"}, format="json"
    )
    # then the lot is quarantined and unit 1 held by its containment
    assert answer.status_code == 201, answer.json()
    assert MaterialLot.objects.get(code="SCR-1").status == "quarantined"
    hold = Hold.objects.get(unit=screws_used.unit)
    assert (hold.kind, hold.lot.code, hold.status) == ("lot_containment", "SCR-1", "open")


def test_a_lot_ncr_without_contain_is_allowed_to_an_integration(screws_used, api):
    answer = api.post("/api/v1/ncrs", {"lot": "SCR-1", "description": "Certificate missing"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert MaterialLot.objects.get(code="SCR-1").status == "available"
    assert Hold.objects.count() == 0


def test_an_operator_not_assigned_to_the_units_station_cannot_raise_on_it(at_step2, outsider):
    # given an operator token of someone not assigned to ST-1, where unit 1 is
    client = api_client_for(Role.OPERATOR, "other-line")
    before = everything()
    # when it raises an NCR on unit 1
    answer = client.post("/api/v1/ncrs", {"unit": at_step2.unit.serial, "description": "Dent"}, format="json")
    # then it is refused and nothing changed
    assert answer.status_code == 403, answer.json()
    assert answer.json()["errors"][0]["code"] == "station_not_assigned"
    assert everything() == before
    # and the service refuses the same, for a person too
    with pytest.raises(DomainError) as refused:
        ncrs.raise_by_hand(unit=at_step2.unit.serial, description="Dent", actor=outsider)
    assert refused.value.code == "station_not_assigned"
    assert everything() == before


def test_an_operator_assigned_to_the_station_raises_on_the_unit(at_step2, operator):
    ncr = ncrs.raise_by_hand(
        unit=at_step2.unit.serial, step=at_step2.step2.pk, description="Dent", actor=operator
    )
    assert (ncr.unit_id, ncr.step_id, ncr.raised_by) == (at_step2.unit.pk, at_step2.step2.pk, operator)
    assert Unit.objects.get(pk=at_step2.unit.pk).status == "on_hold"


def test_report_a_problem_is_refused_to_an_operator_of_another_station(started, outsider):
    # given an operator not assigned to ST-1
    url = reverse("quality:report-problem", args=[started.unit.serial, started.step1.pk])
    before = everything()
    # when they report a problem on unit 1
    response = client_for(outsider).post(url, {"description": "Housing cracked"})
    # then it is refused and nothing is raised
    assert response.status_code == 403
    assert everything() == before
    with pytest.raises(DomainError) as refused:
        ncrs.report_problem(
            unit=started.unit, step=started.step1, description="Housing cracked", actor=outsider
        )
    assert refused.value.code == "station_not_assigned"
    assert everything() == before


def test_an_inspector_raises_on_any_unit_wherever_it_is(at_step2, inspector):
    ncr = ncrs.raise_by_hand(unit=at_step2.unit.serial, description="Scratch seen on audit", actor=inspector)
    assert ncr.unit_id == at_step2.unit.pk


def test_the_view_module_has_no_service_helper():
    from quality.views import queue

    assert not hasattr(queue, "_raise")


def test_contain_together_with_a_unit_is_refused_not_silently_ignored(screws_used, inspector):
    before = everything()
    with pytest.raises(DomainError) as refused:
        ncrs.raise_by_hand(
            description="suspect screws",
            actor=inspector,
            unit=screws_used.unit.serial,
            lot="SCR-1",
            contain=True,
        )
    assert (refused.value.code, refused.value.path) == ("contain_needs_lot_only", "contain")
    assert everything() == before
