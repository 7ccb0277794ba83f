"""The live step screen at a bound tablet: what it shows, what each POST records, its query counts."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from instructions import content
from line.choices import UnitStatus
from line.models import Consumption, ScanRefusal, StepResult, StepSignOff, ToolScan
from line.services import scans
from line.services import units as unit_services
from line.services import work_orders as work_order_services
from tests.conftest import PASSWORD, accept, lazy_loads_raise
from tests.line.screens import sign_in, tablet_client

HTMX = {"HX-Request": "true"}


def _revision_with_steps(document: dict, *, part_number: str, steps: int) -> dict:
    """Rev C's routing stretched to `steps` steps: the PCB step, then copies of 'Fasten PCB'."""
    document = copy.deepcopy(document)
    document["product"]["part_number"] = part_number
    document["release_id"] = "ECO-{}".format(part_number)
    document["supersedes"] = None
    document["effectivity"] = {
        "serial_from": None,
        "serial_to": None,
        "date_from": "2026-01-01",
        "date_to": None,
    }
    operation = document["operations"][0]
    place, fasten = operation["steps"][0], operation["steps"][1]
    fasten = {**fasten, "signoff": "operator"}
    copies = []
    for index in range(steps - 1):
        step = {**copy.deepcopy(fasten), "sequence": 20 + 10 * index, "title": "Fasten PCB {}".format(index)}
        for characteristic in step["characteristics"]:
            characteristic["code"] = "{}-{}".format(
                characteristic["code"], index
            )  # codes are unique in a revision
        copies.append(step)
    operation["steps"] = [place] + copies
    document["operations"] = [operation]
    return document


@pytest.fixture
def tablet(line, engineer):
    client = tablet_client(line.station, engineer=engineer)
    assert sign_in(client, "B-1001").status_code == 302
    return client


def _unit_at_fastening(line, release_document, engineer, operator, *, steps: int, pcb: str):
    part_number = "900-{:03d}".format(steps)
    accept(_revision_with_steps(release_document, part_number=part_number, steps=steps), engineer)
    work_order = work_order_services.create_work_order(
        number="WO-" + part_number, part_number=part_number, quantity=1, actor=engineer
    )
    unit = work_order.units.get()
    unit_services.start_unit(unit=unit, actor=operator, station=line.station)
    unit.refresh_from_db()
    scans.record_scan(unit=unit, step=unit.current_step, barcode=pcb, actor=operator, station=line.station)
    unit_services.sign_off_step(unit=unit, step=unit.current_step, actor=operator, station=line.station)
    unit.refresh_from_db()
    return unit


def step_url(unit) -> str:
    return reverse("mes:unit-step", args=[unit.serial])


def test_the_step_screen_shows_step_n_of_n_what_it_needs_and_a_disabled_sign_off(started, tablet):
    # given a started unit at step 1 (a PCB to scan, qualification ESD-1 held)
    # when the operator opens it at the bound tablet
    response = tablet.get(step_url(started.unit))
    # then the shared step screen shows the live step, not a preview
    assert response.status_code == 200
    html = response.text
    assert "Step 1 of 2" in html
    assert "Place PCB in housing" in html
    assert 'id="preview-mark" hidden' in html
    assert 'data-need="material:200-010"' in html
    assert 'aria-live="assertive"' in html
    assert "Scan 1 EA of 200-010 Controller PCB." in html
    # and sign-off is disabled by the server while the PCB is missing (invariant 3)
    assert 'data-disabled-by-server="1"' in html


def test_a_scan_through_the_screen_consumes_the_lot_and_enables_sign_off(started, tablet):
    # when the PCB's serial is scanned as a GS1 element string with a symbology identifier
    response = tablet.post(
        reverse("mes:step-scan", args=[started.unit.serial]),
        {
            "idempotency_key": "scan-1",
            "step": started.step1.pk,
            "barcode": "]C10109506000134352\x1d21PCB-0001",
        },
        headers=HTMX,
    )
    # then it is consumed and the screen says so, big
    assert response.status_code == 200
    assert Consumption.objects.filter(unit=started.unit, lot__code="PCB-0001").count() == 1
    assert "outcome-ok" in response.text and "Accepted" in response.text
    assert 'hx-swap-oob="innerHTML"' in response.text
    # and the same answer carries the needs and actions as they now stand: sign-off enabled,
    # a fresh key for the next scan, no second request needed
    assert response.text.lstrip().startswith('<div id="step-work"')
    assert 'hx-swap-oob="outerHTML"' in response.text[:400]
    assert 'data-disabled-by-server="1"' not in response.text
    assert 'name="idempotency_key" value="scan-1"' not in response.text
    assert "HX-Trigger" not in response


@pytest.mark.invariant(8)
def test_a_resent_scan_with_the_same_key_records_once(started, tablet):
    data = {"idempotency_key": "scan-twice", "step": started.step1.pk, "barcode": "PCB-0001"}
    first = tablet.post(reverse("mes:step-scan", args=[started.unit.serial]), data, headers=HTMX)
    second = tablet.post(reverse("mes:step-scan", args=[started.unit.serial]), data, headers=HTMX)
    assert second.status_code == first.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert Consumption.objects.filter(unit=started.unit).count() == 1


@pytest.mark.invariant(4)
def test_a_refused_scan_shows_its_reason_and_consumes_nothing(at_step2, tablet):
    # when a PCB is scanned where screws and thread locker are needed
    response = tablet.post(
        reverse("mes:step-scan", args=[at_step2.unit.serial]),
        {"idempotency_key": "wrong", "step": at_step2.step2.pk, "barcode": "PCB-0002"},
        headers=HTMX,
    )
    # then the refusal is shown with its sentence and logged, and nothing is consumed
    assert response.status_code == 422
    assert "outcome-refused" in response.text
    assert 'data-code="wrong_part"' in response.text
    assert "Lot PCB-0002 is part 200-010; this step needs 300-550, 300-900." in response.text
    assert Consumption.objects.filter(unit=at_step2.unit, step=at_step2.step2).count() == 0
    assert list(ScanRefusal.objects.filter(unit=at_step2.unit).values_list("code", flat=True)) == [
        "wrong_part"
    ]


def test_a_tool_and_a_gauge_are_told_apart_from_lots(at_step2, tablet):
    url = reverse("mes:step-scan", args=[at_step2.unit.serial])
    assert 'name="gauges" value="1"' in tablet.get(step_url(at_step2.unit)).text
    tool = tablet.post(
        url,
        {"idempotency_key": "t", "step": at_step2.step2.pk, "barcode": "TD-0.6", "gauges": "1"},
        headers=HTMX,
    )
    gauge = tablet.post(
        url,
        {"idempotency_key": "g", "step": at_step2.step2.pk, "barcode": "G-TQ-1", "gauges": "1"},
        headers=HTMX,
    )
    assert ToolScan.objects.filter(unit=at_step2.unit, tool__code="TD-0.6").count() == 1
    assert "Tool TD-0.6 scanned." in tool.text
    assert "Gauge G-TQ-1 ready" in gauge.text
    assert 'class="input-xl input-gauge" autocomplete="off" value="G-TQ-1"' in gauge.text
    work = tablet.get(step_url(at_step2.unit) + "?gauge=G-TQ-1", headers={**HTMX, "HX-Target": "step-work"})
    assert 'class="input-xl input-gauge" autocomplete="off" value="G-TQ-1"' in work.text
    assert ScanRefusal.objects.filter(unit=at_step2.unit).count() == 0


def test_a_tool_that_is_also_the_gauge_is_the_tool_once_and_the_gauge_every_time(at_step2, tablet, engineer):
    from line.services import tools as tool_services

    # given the step's torque driver is also a gauge of the type its torque is measured with
    tool_services.register_tool(code="TD-0.6", name="Torque driver 0.6", kind="torque driver", actor=engineer)
    url = reverse("mes:step-scan", args=[at_step2.unit.serial])

    def scan(key):
        data = {"idempotency_key": key, "step": at_step2.step2.pk, "barcode": "TD-0.6", "gauges": "1"}
        return tablet.post(url, data, headers=HTMX)

    # when it is scanned: it is recorded as the tool and put in the gauge field
    first = scan("t1")
    assert "Tool TD-0.6 scanned. It is also the gauge" in first.text
    assert 'class="input-xl input-gauge" autocomplete="off" value="TD-0.6"' in first.text
    # and scanned again (the field was cleared, or another result): it is the gauge, not a second tool scan
    again = scan("t2")
    assert "Gauge TD-0.6 ready" in again.text
    assert 'class="input-xl input-gauge" autocomplete="off" value="TD-0.6"' in again.text
    assert ToolScan.objects.filter(unit=at_step2.unit, tool__code="TD-0.6").count() == 1
    # then the result measured with it is recorded
    result = tablet.post(
        reverse("mes:step-result", args=[at_step2.unit.serial]),
        {
            "idempotency_key": "r",
            "step": at_step2.step2.pk,
            "characteristic": "TQ1",
            "value": "0.6",
            "gauge": "TD-0.6",
        },
        headers=HTMX,
    )
    assert "outcome-ok" in result.text


def test_a_gauge_due_for_calibration_is_refused_when_scanned(at_step2, tablet, engineer):
    from datetime import timedelta

    from django.utils import timezone

    from line.services import tools as tool_services

    tool_services.register_tool(
        code="G-OLD",
        name="Old gauge",
        kind="torque driver",
        actor=engineer,
        calibration_due=timezone.localdate() - timedelta(days=1),
    )
    response = tablet.post(
        reverse("mes:step-scan", args=[at_step2.unit.serial]),
        {"idempotency_key": "g", "step": at_step2.step2.pk, "barcode": "G-OLD", "gauges": "1"},
        headers=HTMX,
    )
    assert 'data-code="tool_calibration_expired"' in response.text and 'value="G-OLD"' not in response.text


@pytest.mark.invariant(5)
def test_a_result_out_of_tolerance_shows_the_hold(at_step2, tablet):
    response = tablet.post(
        reverse("mes:step-result", args=[at_step2.unit.serial]),
        {
            "idempotency_key": "r",
            "step": at_step2.step2.pk,
            "characteristic": "TQ1",
            "value": "0.9",
            "gauge": "G-TQ-1",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "outcome-hold" in response.text and "Out of tolerance" in response.text
    work = tablet.get(step_url(at_step2.unit), headers={**HTMX, "HX-Target": "step-work"})
    assert 'id="hold-banner"' in work.text
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.ON_HOLD
    assert StepResult.objects.get(unit=at_step2.unit).in_tolerance is False


def test_an_attribute_is_recorded_with_the_pass_button(at_step2, tablet):
    response = tablet.post(
        reverse("mes:step-result", args=[at_step2.unit.serial]),
        {"idempotency_key": "p", "step": at_step2.step2.pk, "characteristic": "VIS1", "passed": "true"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert StepResult.objects.get(unit=at_step2.unit).passed is True


@pytest.mark.invariant(3)
def test_a_held_screen_asks_for_the_release_without_keeping_the_tablet_awake(at_step2, tablet, inspector):
    from line.choices import HoldKind
    from line.services import station_sessions

    unit = at_step2.unit
    hold = unit_services.place_hold(
        unit=unit, kind=HoldKind.MANUAL, actor=inspector, reason="Check the housing"
    )
    # given the held unit's screen: its banner asks every 10 s, as a poll
    screen = tablet.get(step_url(unit))
    assert 'hx-trigger="every 10s"' in screen.text and "X-Threadline-Poll" in screen.text
    poll = {**HTMX, "HX-Target": "step-screen", "X-Threadline-Poll": "1"}
    seen = tablet.session[station_sessions.SESSION_SEEN] - 60  # as if the operator left a minute ago
    session = tablet.session
    session[station_sessions.SESSION_SEEN] = seen
    session.save()
    # when it asks while the unit is still held: nothing is sent, and the tablet's clock is not reset
    still = tablet.get(step_url(unit), headers=poll)
    assert still.status_code == 204 and still.content == b""
    assert tablet.session[station_sessions.SESSION_SEEN] == seen
    # when quality releases the unit, the next poll brings the live step and says so
    unit_services.release_hold(hold=hold, actor=inspector, reason="Housing fine")
    released = tablet.get(step_url(unit), headers=poll)
    assert released.status_code == 200
    assert "Quality released unit {}: carry on.".format(unit.serial) in released.text
    assert 'id="hold-banner"' not in released.text and "data-scan-form" in released.text


def test_a_result_echoes_what_was_recorded_and_a_planned_unit_says_to_start_it(at_step2, tablet, line):
    url = reverse("mes:step-result", args=[at_step2.unit.serial])
    base = {"step": at_step2.step2.pk}
    measured = tablet.post(
        url,
        {**base, "idempotency_key": "a", "characteristic": "TQ1", "value": "0.61", "gauge": "G-TQ-1"},
        headers=HTMX,
    )
    assert "In tolerance" in measured.text and "TQ1 0.61 N" in measured.text
    passed = tablet.post(
        url, {**base, "idempotency_key": "b", "characteristic": "VIS1", "passed": "true"}, headers=HTMX
    )
    assert "VIS1 passed." in passed.text and "In tolerance" not in passed.text
    planned = line.units[1]
    tablet.get(step_url(planned))
    assert "is not started: start it at the station" in tablet.get(reverse("mes:station-home")).text


def test_sign_off_is_refused_with_what_is_missing_and_nothing_changes(at_step2, tablet):
    response = tablet.post(
        reverse("mes:step-sign-off", args=[at_step2.unit.serial]),
        {"idempotency_key": "s", "step": at_step2.step2.pk},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert 'data-code="material_missing"' in response.text
    assert "Scan 4 EA of 300-550 M3x8 screw." in response.text
    assert StepSignOff.objects.filter(unit=at_step2.unit, step=at_step2.step2).exists() is False


def test_a_complete_step_with_the_inspectors_countersignature_completes_the_unit(
    at_step2, tablet, operator, inspector
):
    line, unit = at_step2, at_step2.unit
    url = reverse("mes:step-scan", args=[unit.serial])
    for key, code in (("a", "SCR-1"), ("b", "TL-1"), ("c", "TD-0.6"), ("d", "G-TQ-1")):
        tablet.post(url, {"idempotency_key": key, "step": line.step2.pk, "barcode": code}, headers=HTMX)
    result = reverse("mes:step-result", args=[unit.serial])
    tablet.post(
        result,
        {
            "idempotency_key": "e",
            "step": line.step2.pk,
            "characteristic": "TQ1",
            "value": "0.6",
            "gauge": "G-TQ-1",
        },
        headers=HTMX,
    )
    tablet.post(
        result,
        {"idempotency_key": "f", "step": line.step2.pk, "characteristic": "VIS1", "passed": "true"},
        headers=HTMX,
    )
    assert 'data-disabled-by-server="1"' not in tablet.get(step_url(unit)).text
    response = tablet.post(
        reverse("mes:step-sign-off", args=[unit.serial]),
        {
            "idempotency_key": "g",
            "step": line.step2.pk,
            "inspector_username": inspector.username,
            "inspector_password": PASSWORD,
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mes:station-home")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.COMPLETED
    assert StepSignOff.objects.get(unit=unit, step=line.step2).countersigned_by == inspector
    station = tablet.get(reverse("mes:station-home"))
    assert "Unit {} is complete.".format(unit.serial) in station.text


def test_step_screen_queries_do_not_grow_with_the_revision(
    line, tablet, release_document, engineer, operator
):
    # given units at their second step of a 3-step and a 60-step revision
    small = _unit_at_fastening(line, release_document, engineer, operator, steps=3, pcb="PCB-0002")
    large = _unit_at_fastening(line, release_document, engineer, operator, steps=60, pcb="PCB-0003")
    tablet.get(step_url(small))  # the tablet's activity clock is written at most every 15 s: not counted
    counts = {}
    for name, unit in (("small", small), ("large", large)):
        # a process meeting the step for the first time reads its released content (cold) ...
        content.clear()
        with lazy_loads_raise(), CaptureQueriesContext(connection) as cold:
            response = tablet.get(step_url(unit))
        assert "Step 2 of" in response.text
        # ... and never again (warm)
        with lazy_loads_raise(), CaptureQueriesContext(connection) as warm:
            again = tablet.get(step_url(unit))
        assert again.text.count("need-open") == response.text.count("need-open")
        counts[name] = (len(cold), len(warm))
    # then both screens answer in the same number of queries, under 15 even with nothing cached
    assert counts == {"small": (12, 7), "large": (12, 7)}


def _count(client, url, data) -> tuple[int, object]:
    with lazy_loads_raise(), CaptureQueriesContext(connection) as context:
        response = client.post(url, data, headers=HTMX)
    statements = [query["sql"] for query in context.captured_queries]
    # Count what a production request runs: SQLite's BEGIN and COMMIT open and close, they query nothing.
    return len([sql for sql in statements if not sql.startswith(("BEGIN", "COMMIT"))]), response


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_scan_result_and_sign_off_posts_stay_under_25_queries(started, tablet, cache):
    # Transactional, as in production: the request's transaction is the outermost one (no test
    # savepoints counted); the services' own nested transactions (savepoints) are counted.
    # Each POST answers the outcome and the step's needs and actions in one response.
    line, unit = started, started.unit

    def count(name, data):
        if cache == "cold":
            content.clear()  # the first request of a fresh worker process
        else:
            # a worker that has served this revision before: it knows its steps and their order
            content.step_after(unit.revision_id, 0)
            for step in (line.step1, line.step2):
                content.step_content(step.pk)
            tablet.get(step_url(unit))
        return _count(tablet, reverse(name, args=[unit.serial]), data)

    scan, response = count(
        "mes:step-scan", {"idempotency_key": "q1", "step": line.step1.pk, "barcode": "PCB-0001"}
    )
    assert response.status_code == 200 and "outcome-ok" in response.text
    sign_off, response = count("mes:step-sign-off", {"idempotency_key": "q2", "step": line.step1.pk})
    assert response["HX-Redirect"] == step_url(unit) + "?signed_off={}".format(line.step1.pk)
    tablet.get(step_url(unit))
    gauge, response = count(
        "mes:step-scan", {"idempotency_key": "q3", "step": line.step2.pk, "barcode": "SCR-1", "gauges": "1"}
    )
    assert "outcome-ok" in response.text
    result, response = count(
        "mes:step-result",
        {"idempotency_key": "q4", "step": line.step2.pk, "characteristic": "VIS1", "passed": "true"},
    )
    assert response.status_code == 200 and "outcome-ok" in response.text
    counts = {"scan": scan, "scan-with-gauge-lookup": gauge, "result": result, "sign-off": sign_off}
    if cache == "warm":
        # then each POST, the refreshed needs and actions included, stays under 25 queries
        assert counts == {"scan": 22, "scan-with-gauge-lookup": 22, "result": 18, "sign-off": 19}
    else:
        # and a process meeting the step for the first time adds only the released content, read
        # once: step, requirements, characteristics, the revision's part list for the labels, and
        # at sign-off the routing's order and the next step's row
        assert counts == {"scan": 26, "scan-with-gauge-lookup": 26, "result": 22, "sign-off": 24}


def test_a_device_without_a_binding_gets_the_notice_not_the_step(started, operator_client):
    response = operator_client.get(step_url(started.unit))
    assert response.status_code == 302
    assert response["Location"] == reverse("mes:station-home")
    notice = operator_client.get(reverse("mes:station-home"))
    assert "This device is not a station tablet" in notice.text
