"""The line's API: shapes of API.md, error codes and statuses, query counts that do not grow with the
revision."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.choices import Role
from core.identities import create_api_token
from instructions import content
from line.models import Consumption, MaterialLot, ScanRefusal, Unit
from line.services import lots as lot_services
from line.services import qualifications as qualification_services
from line.services import stations as station_services
from line.services import work_orders as work_order_services
from tests.conftest import PASSWORD, accept, api_client_for, lazy_loads_raise
from tests.line.conftest import PCB_GTIN


@pytest.fixture
def bot(line, engineer):
    """An operator-role agent identity with an API token, assigned to ST-1 and qualified ESD-1."""
    token, key = create_api_token(name="line-bot", role=Role.OPERATOR, actor=None)
    station_services.assign_stations(user=token.identity, station_codes=["ST-1"], actor=engineer)
    qualification_services.grant_qualification(user=token.identity, qualification="ESD-1", actor=engineer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    return client


def url(serial, action=""):
    return "/api/v1/units/{}{}".format(serial, "/" + action if action else "")


def test_integration_sets_up_the_line(api, released_c):
    assert (
        api.post(
            "/api/v1/stations", {"code": "ST-7", "work_center": "ASSY-1", "wip_limit": 3}, format="json"
        ).status_code
        == 201
    )
    answer = api.post("/api/v1/stations", {"code": "ST-8", "work_center": "NOWHERE"}, format="json")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (422, "unknown_work_center")
    assert (
        api.post(
            "/api/v1/tools", {"code": "TD-0.6", "calibration_due": "2030-01-01"}, format="json"
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/api/v1/tools", {"code": "TD-0.6", "calibration_due": "2031-01-01"}, format="json"
        ).status_code
        == 200
    )
    answer = api.post(
        "/api/v1/qualifications", {"username": "plm-adapter", "qualification": "ESD-1"}, format="json"
    )
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (403, "self_grant")
    answer = api.post("/api/v1/qualifications", {"username": "erik", "qualification": "ESD-1"}, format="json")
    assert answer.status_code == 201
    answer = api.post(
        "/api/v1/work-orders", {"number": "WO-9", "part_number": "100-200", "quantity": 2}, format="json"
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["revision"]["revision"] == "C"
    assert [unit["serial"] for unit in body["units"]] == ["PC-01000", "PC-01001"]
    answer = api.post(
        "/api/v1/lots",
        {"part_number": "300-550", "lot": "SCR-9", "quantity": "50", "supplier": "Acme"},
        format="json",
    )
    assert answer.status_code == 201
    assert (answer.json()["revision"], answer.json()["quantity_remaining"], answer.json()["status"]) == (
        "A",
        "50",
        "available",
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param(
            {"number": "WO-2", "part_number": "100-200", "quantity": 1, "revision": "Z"},
            422,
            "unknown_revision",
            id="unknown_revision",
        ),
        pytest.param(
            {"number": "WO-2", "part_number": "999", "quantity": 1},
            404,
            "unknown_product",
            id="unknown_product",
        ),
        pytest.param(
            {
                "number": "WO-2",
                "part_number": "100-200",
                "quantity": 1,
                "serials": ["PC-00005"],
                "revision": "C",
            },
            422,
            "serial_outside_effectivity",
            id="serial_outside_effectivity",
        ),
        pytest.param(
            {"number": "WO-2", "part_number": "100-200", "quantity": 2, "serials": ["PC-01100"]},
            422,
            "serial_count_mismatch",
            id="count",
        ),
        pytest.param(
            {"number": "WO-2", "part_number": "100-200", "quantity": 0}, 400, "min_value", id="zero"
        ),
    ],
)
def test_bad_work_orders_are_refused(api, released_c, body, status, code):
    answer = api.post("/api/v1/work-orders", body, format="json")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (status, code)
    assert Unit.objects.count() == 0


def test_a_unit_walks_through_the_api(bot, line, inspector):
    serial = line.unit.serial
    answer = bot.post(url(serial, "start"), {"station": "ST-1"}, format="json")
    assert answer.status_code == 200
    unit = answer.json()
    assert (unit["status"], unit["revision"]["revision"], unit["holds"]) == ("in_progress", "C", [])
    step1 = unit["current_step"]["id"]
    assert [need["code"] for need in unit["current_step"]["missing"]] == ["material_missing"]
    answer = bot.post(
        url(serial, "scans"), {"step": step1, "barcode": "]d201" + PCB_GTIN + "21PCB-0001"}, format="json"
    )
    assert answer.status_code == 201
    scan = answer.json()
    assert {key: scan[key] for key in ("lot", "part_number", "quantity", "step")} == {
        "lot": "PCB-0001",
        "part_number": "200-010",
        "quantity": "1",
        "step": step1,
    }
    answer = bot.post(url(serial, "signoff"), {"step": step1}, format="json")
    assert answer.status_code == 200
    step2 = answer.json()["next_step"]["id"]
    for barcode in ("SCR-1", "TL-1"):
        assert (
            bot.post(url(serial, "scans"), {"step": step2, "barcode": barcode}, format="json").status_code
            == 201
        )
    assert (
        bot.post(url(serial, "tools"), {"step": step2, "barcode": "TD-0.6"}, format="json").status_code == 201
    )
    answer = bot.post(
        url(serial, "results"),
        {"step": step2, "characteristic": "TQ1", "value": "0.6", "gauge": "G-TQ-1"},
        format="json",
    )
    assert (answer.status_code, answer.json()["in_tolerance"], answer.json()["ncr"]) == (201, True, None)
    assert (
        bot.post(
            url(serial, "results"), {"step": step2, "characteristic": "VIS1", "passed": True}, format="json"
        ).status_code
        == 201
    )
    # an API token alone can never countersign: the inspector's own password is checked now
    answer = bot.post(url(serial, "signoff"), {"step": step2}, format="json")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (409, "countersignature_required")
    answer = bot.post(
        url(serial, "signoff"),
        {"step": step2, "countersignature": {"username": "ines", "password": PASSWORD}},
        format="json",
    )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["next_step"]) == ("completed", None)
    assert bot.get(url(serial)).json()["current_step"] is None


def test_sign_off_answers_409_with_each_missing_item(bot, at_step2):
    answer = bot.post(url(at_step2.unit.serial, "signoff"), {"step": at_step2.step2.pk}, format="json")
    assert answer.status_code == 409
    assert [error["code"] for error in answer.json()["errors"]] == [
        "material_missing",
        "material_missing",
        "result_missing",
        "result_missing",
        "tool_missing",
    ]


@pytest.mark.invariant(4)
@pytest.mark.parametrize(
    ("barcode", "code"),
    [("PCB-0002", "wrong_part"), ("NOPE", "unknown_lot"), ("]C110SCR-1", "invalid_barcode")],
)
def test_a_refused_scan_answers_422_and_is_logged(bot, at_step2, barcode, code):
    answer = bot.post(
        url(at_step2.unit.serial, "scans"), {"step": at_step2.step2.pk, "barcode": barcode}, format="json"
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == code
    assert Consumption.objects.filter(step=at_step2.step2).count() == 0
    assert MaterialLot.objects.get(code="SCR-1").quantity_remaining == 100
    assert ScanRefusal.objects.filter(code=code).count() == 1


@pytest.mark.invariant(4)
@pytest.mark.parametrize(
    ("barcode", "code", "reason"),
    [
        ("]C101" + PCB_GTIN + "10SCR-1" + "17271231", "ambiguous_barcode", "missing_separator"),
        ("https://id.gs1.org/01/" + PCB_GTIN + "/10/SCR-1?17=271340", "invalid_barcode", "bad_content"),
        ("(01)" + PCB_GTIN + "(10)SCR-1(30)0", "invalid_quantity", None),
    ],
)
def test_a_refused_gs1_scan_answers_its_code_and_reason(bot, at_step2, barcode, code, reason):
    answer = bot.post(
        url(at_step2.unit.serial, "scans"), {"step": at_step2.step2.pk, "barcode": barcode}, format="json"
    )
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert (error["code"], error.get("reason"), error["path"]) == (code, reason, "barcode")
    assert MaterialLot.objects.get(code="SCR-1").quantity_remaining == 100


@pytest.mark.invariant(4)
def test_a_digital_link_scan_consumes_through_the_api(bot, at_step2):
    answer = bot.post(
        url(at_step2.unit.serial, "scans"),
        {"step": at_step2.step2.pk, "barcode": "https://example.com/01/" + PCB_GTIN + "/10/SCR-1?30=3"},
        format="json",
    )
    assert answer.status_code == 201
    assert MaterialLot.objects.get(code="SCR-1").quantity_remaining == 97


@pytest.mark.invariant(5)
def test_an_out_of_tolerance_result_answers_with_the_ncr_and_the_hold(bot, at_step2):
    serial = at_step2.unit.serial
    answer = bot.post(
        url(serial, "results"),
        {"step": at_step2.step2.pk, "characteristic": "TQ1", "value": "0.9", "gauge": "G-TQ-1"},
        format="json",
    )
    body = answer.json()
    assert (answer.status_code, body["in_tolerance"]) == (201, False)
    assert body["ncr"] is not None and body["hold"] is not None
    unit = bot.get(url(serial)).json()
    assert unit["status"] == "on_hold"
    assert unit["holds"] == [
        {
            "id": body["hold"],
            "kind": "ncr",
            "reason": unit["holds"][0]["reason"],
            "ncr": body["ncr"],
            "lot": None,
        }
    ]
    answer = bot.post(url(serial, "scans"), {"step": at_step2.step2.pk, "barcode": "SCR-1"}, format="json")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (409, "unit_on_hold")
    ncrs = api_client_for(Role.INSPECTOR, "qa-bot").get("/api/v1/ncrs?status=open").json()["ncrs"]
    assert [
        (ncr["id"], ncr["unit"], ncr["characteristic"], ncr["value"], ncr["decision"]) for ncr in ncrs
    ] == [(body["ncr"], serial, "TQ1", "0.9", None)]


def test_quarantine_with_containment_and_where_used(bot, at_step2, inspector):
    bot.post(
        url(at_step2.unit.serial, "scans"), {"step": at_step2.step2.pk, "barcode": "SCR-1"}, format="json"
    )
    quality = api_client_for(Role.INSPECTOR, "qa-bot")
    answer = quality.post(
        "/api/v1/lots/SCR-1/quarantine", {"reason": "Supplier recall", "contain": True}, format="json"
    )
    assert (answer.status_code, answer.json()["status"], answer.json()["held_units"]) == (
        200,
        "quarantined",
        [at_step2.unit.serial],
    )
    used = quality.get("/api/v1/lots/SCR-1/where-used").json()
    assert used == {
        "lot": "SCR-1",
        "part_number": "300-550",
        "units": [
            {
                "serial": at_step2.unit.serial,
                "status": "on_hold",
                "step": at_step2.step2.pk,
                "step_title": "Fasten PCB",
                "quantity": "4",
            }
        ],
    }
    answer = quality.post("/api/v1/lots/SCR-1/release", {"reason": "Recall withdrawn"}, format="json")
    assert (answer.status_code, answer.json()["status"]) == (200, "available")
    assert bot.get(url(at_step2.unit.serial)).json()["status"] == "in_progress"


def test_roles_are_enforced(line):
    operator_api = api_client_for(Role.OPERATOR, "op-bot")
    assert (
        operator_api.post(
            "/api/v1/lots", {"part_number": "300-550", "lot": "X", "quantity": 1}, format="json"
        ).status_code
        == 403
    )
    assert (
        operator_api.post("/api/v1/lots/SCR-1/quarantine", {"reason": "x"}, format="json").status_code == 403
    )
    engineer_api = api_client_for(Role.INTEGRATION, "erp")
    assert (
        engineer_api.post(url(line.unit.serial, "start"), {"station": "ST-1"}, format="json").status_code
        == 403
    )
    assert APIClient().get(url(line.unit.serial)).status_code == 401


def test_start_beyond_the_wip_limit_answers_409(bot, line):
    for unit in line.units[:2]:
        assert bot.post(url(unit.serial, "start"), {"station": "ST-1"}, format="json").status_code == 200
    answer = bot.post(url(line.units[2].serial, "start"), {"station": "ST-1"}, format="json")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (409, "wip_limit_reached")


def test_a_retried_scan_with_the_same_idempotency_key_records_once(bot, at_step2):
    body = {"step": at_step2.step2.pk, "barcode": "SCR-1"}
    first = bot.post(
        url(at_step2.unit.serial, "scans"), body, format="json", headers={"Idempotency-Key": "tap-1"}
    )
    again = bot.post(
        url(at_step2.unit.serial, "scans"), body, format="json", headers={"Idempotency-Key": "tap-1"}
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Consumption.objects.filter(step=at_step2.step2).count() == 1


# --- query counts: a fixed number, whatever the size of the revision --------------------------


def big_release(document: dict, size: int) -> dict:
    """A product whose first step needs `size` materials and `size` characteristics."""
    document = copy.deepcopy(document)
    document.update(
        release_id="ECO-BIG-{}".format(size),
        revision="A",
        product=dict(document["product"], part_number="BIG-{}".format(size)),
    )
    document.pop("supersedes", None)
    document["effectivity"] = {"serial_from": None, "serial_to": None, "date_from": None, "date_to": None}
    document["parts"] = [
        {
            "part_number": "P-{:03d}".format(i),
            "revision": "A",
            "name": "Part {}".format(i),
            "uom": "EA",
            "tracking": "lot",
        }
        for i in range(size)
    ]
    step = {
        "sequence": 10,
        "title": "Fit everything",
        "instruction": "Fit it.",
        "materials": [{"part_number": "P-{:03d}".format(i), "quantity": 1} for i in range(size)],
        "characteristics": [
            {
                "code": "C{}".format(i),
                "name": "Gap {}".format(i),
                "kind": "variable",
                "nominal": 1,
                "lower": 0.5,
                "upper": 1.5,
                "unit": "mm",
            }
            for i in range(size)
        ],
        "signoff": "operator",
    }
    document["operations"] = [
        {"sequence": 10, "code": "OP10", "title": "Fit", "work_center": "ASSY-1", "steps": [step]}
    ]
    return document


def measure(client, method, path, body=None) -> tuple[int, int]:
    with lazy_loads_raise(), CaptureQueriesContext(connection) as queries:
        answer = (
            getattr(client, method)(path, body, format="json")
            if body is not None
            else getattr(client, method)(path)
        )
    return answer.status_code, len(queries)


@pytest.mark.parametrize("size", [2, 25])
def test_query_counts_do_not_grow_with_the_revision(bot, line, engineer, release_document, size):
    accept(big_release(release_document, size), engineer)
    work_order = work_order_services.create_work_order(
        number="WO-BIG", part_number="BIG-{}".format(size), quantity=1, actor=engineer
    )
    serial = work_order.units.get().serial
    for i in range(size):
        lot_services.receive_lot(
            part_number="P-{:03d}".format(i), lot="L-{:03d}".format(i), quantity=10, actor=engineer
        )
    bot.post(url(serial, "start"), {"station": "ST-1"}, format="json")
    step = Unit.objects.get(serial=serial).current_step_id
    bot.get(url(serial))  # token's last_used_at is touched once a minute: keep it out of the counts
    content.clear()  # a fresh worker process: the step's released content is read once ...
    cold_get = measure(bot, "get", url(serial))
    counts = {
        "get": measure(bot, "get", url(serial)),  # ... and never again
        "scan": measure(bot, "post", url(serial, "scans"), {"step": step, "barcode": "L-000"}),
        "result": measure(
            bot, "post", url(serial, "results"), {"step": step, "characteristic": "C0", "value": "1.0"}
        ),
        "refused_sign_off": measure(bot, "post", url(serial, "signoff"), {"step": step}),
    }
    for i in range(1, size):
        bot.post(url(serial, "scans"), {"step": step, "barcode": "L-{:03d}".format(i)}, format="json")
        bot.post(
            url(serial, "results"),
            {"step": step, "characteristic": "C{}".format(i), "value": "1.0"},
            format="json",
        )
    counts["sign_off"] = measure(bot, "post", url(serial, "signoff"), {"step": step})
    # the same counts for 2 and for 25 materials and characteristics; targets: GET < 15, writes < 25.
    # The completing sign-off is three acts (the sign-off, the unit's completion, its as-built
    # record ready), each one audit entry and one event: 3 + 3 rows where it wrote 1 + 4 before.
    assert counts == {
        "get": (200, 6),
        "scan": (201, 14),
        "result": (201, 11),
        "refused_sign_off": (409, 10),
        "sign_off": (200, 22),
    }
    assert cold_get == (200, 10)
