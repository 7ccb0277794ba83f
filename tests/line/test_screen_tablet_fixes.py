"""Fixes from the tablet's new-user test: the held step screen offers nothing to record, report a
problem from every step, decimal commas, wording, the PIN lockout, the engineer's nav and the favicon."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.urls import reverse

from core.errors import DomainError
from core.models import AuditEntry
from line.choices import UnitStatus
from line.models import StepResult
from line.services.results import _value
from line.services.station_sessions import PIN_ATTEMPTS
from tests.conftest import PASSWORD
from tests.line.screens import sign_in, tablet_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def tablet(line, engineer):
    client = tablet_client(line.station, engineer=engineer)
    assert sign_in(client, "B-1001").status_code == 302
    return client


def step_url(unit) -> str:
    return reverse("mes:unit-step", args=[unit.serial])


def _hold_by_torque(tablet, at_step2) -> None:
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


def test_a_held_units_step_screen_renders_every_recording_control_disabled(at_step2, tablet):
    # given the unit went on hold by a torque out of tolerance
    _hold_by_torque(tablet, at_step2)
    # when the step screen is shown
    html = tablet.get(step_url(at_step2.unit)).text
    work = html[html.index('id="step-work"') :]
    # then the hold banner says ON HOLD, why, and what to do
    assert 'id="hold-banner"' in work and "On hold" in work and "Call quality" in work
    assert 'class="svg-icon svg-icon-hold"' in work
    # and the scan form is not a scan target, its field and button disabled
    scan = work[work.index('id="scan-form"') : work.index("</form>", work.index('id="scan-form"'))]
    assert "data-scan-form" not in scan
    assert "data-scan-input disabled" in scan and "disabled aria-disabled" in scan
    # and every result input and button is disabled: value, gauge, Record again, Pass, Fail
    assert 'placeholder="N.m" disabled' in work
    assert (
        'class="input-xl input-gauge" autocomplete="off" value="" placeholder="scan the gauge" disabled'
        in work
    )
    assert work.count("<fieldset disabled>") == 2  # TQ1 and VIS1
    for label in (">Record again</button>", "</span> Pass</button>", "</span> Fail</button>"):
        button = work[: work.index(label)].rsplit("<button", 1)[1]
        assert " disabled" in button, label
    sign_off = work[work.index('class="btn btn-xl btn-primary btn-signoff"') :].split(">", 1)[0]
    assert "disabled" in sign_off
    # and the server still refuses a result
    response = tablet.post(
        reverse("mes:step-result", args=[at_step2.unit.serial]),
        {"idempotency_key": "r2", "step": at_step2.step2.pk, "characteristic": "VIS1", "passed": "true"},
        headers=HTMX,
    )
    assert response.status_code == 409 and 'data-code="unit_on_hold"' in response.text
    assert StepResult.objects.filter(unit=at_step2.unit).count() == 1


def test_a_unit_in_work_offers_recording(at_step2, tablet):
    work = tablet.get(step_url(at_step2.unit)).text
    assert 'id="hold-banner"' not in work
    assert "data-scan-form" in work and "<fieldset disabled>" not in work
    assert "data-scan-input disabled" not in work


def test_report_a_problem_is_linked_from_the_step_and_comes_back_to_the_held_step(at_step2, tablet):
    # given the step screen
    html = tablet.get(step_url(at_step2.unit)).text
    report_url = reverse("quality:report-problem", args=[at_step2.unit.serial, at_step2.step2.pk])
    link = "{}?next=%2Fline%2Funits%2F{}%2F".format(report_url, at_step2.unit.serial)
    assert 'id="report-problem-link"' in html and link in html
    # and it sits next to the help button in the station bar
    bar = html[html.index('class="bar-tools"') : html.index('id="help-panel"')]
    assert 'id="report-problem-link"' in bar
    # when the operator reports a problem
    response = tablet.post(
        link, {"description": "Thread stripped on hole 2", "next": step_url(at_step2.unit)}
    )
    assert response.status_code == 201
    # then the answer leads back to the step, which shows the hold
    assert 'href="{}"'.format(step_url(at_step2.unit)) in response.text
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.ON_HOLD
    assert 'id="hold-banner"' in tablet.get(step_url(at_step2.unit)).text


@pytest.mark.parametrize("typed", ["0,61", " 0,61 ", "0.61"])
def test_a_decimal_comma_is_a_decimal_mark_on_the_screen(at_step2, tablet, typed):
    response = tablet.post(
        reverse("mes:step-result", args=[at_step2.unit.serial]),
        {
            "idempotency_key": "c",
            "step": at_step2.step2.pk,
            "characteristic": "TQ1",
            "value": typed,
            "gauge": "G-TQ-1",
        },
        headers=HTMX,
    )
    assert response.status_code == 200 and "In tolerance" in response.text
    assert str(StepResult.objects.get(unit=at_step2.unit).value.normalize()) == "0.61"


def test_a_value_with_both_comma_and_point_is_refused_as_ambiguous(at_step2, tablet):
    response = tablet.post(
        reverse("mes:step-result", args=[at_step2.unit.serial]),
        {
            "idempotency_key": "a",
            "step": at_step2.step2.pk,
            "characteristic": "TQ1",
            "value": "1,234.5",
            "gauge": "G-TQ-1",
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert 'data-code="ambiguous_value"' in response.text and "one decimal mark" in response.text
    assert StepResult.objects.filter(unit=at_step2.unit).count() == 0


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1,234.5", "ambiguous_value"),
        ("1.234,5", "ambiguous_value"),
        ("1,2,3", "ambiguous_value"),
        ("abc", "invalid_value"),
    ],
)
def test_value_refuses_ambiguous_and_non_numbers(value, code):
    with pytest.raises(DomainError) as refused:
        _value(value)
    assert refused.value.code == code


def test_value_reads_comma_point_and_numbers():
    assert [str(_value(v)) for v in (" 0,72 ", "0.72", 3, "-1,5")] == ["0.72", "0.72", "3", "-1.5"]


def test_a_serial_tracked_part_is_called_a_serial(started, tablet):
    response = tablet.post(
        reverse("mes:step-scan", args=[started.unit.serial]),
        {"idempotency_key": "s", "step": started.step1.pk, "barcode": "PCB-0001"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "200-010 serial PCB-0001." in response.text and "from lot" not in response.text


def test_starting_a_unit_in_work_is_refused_in_words_without_a_capitalised_status(started, tablet):
    response = tablet.post(reverse("mes:unit-start", args=[started.unit.serial]), {})
    assert response.status_code == 409
    assert "only a planned unit can be started" in response.text
    assert "is In progress" not in response.text


def test_five_wrong_pins_lock_the_badge_for_fifteen_minutes(line, engineer, operator):
    operator.badge_pin = make_password("1234")
    operator.save(update_fields=["badge_pin"])
    client = tablet_client(line.station, engineer=engineer)
    # when five wrong PINs are typed
    for attempt in range(PIN_ATTEMPTS - 1):
        response = sign_in(client, "B-1001", "0000")
        assert response.status_code == 422 and 'data-code="pin_wrong"' in response.text, attempt
    response = sign_in(client, "B-1001", "0000")
    # then the fifth locks the badge, with a clear message
    assert response.status_code == 422 and 'data-code="pin_locked"' in response.text
    assert "locked for 15 more minutes" in response.text
    # and even the right PIN is refused meanwhile; nobody is signed in
    response = sign_in(client, "B-1001", "1234")
    assert 'data-code="pin_locked"' in response.text
    assert "_auth_user_id" not in client.session
    # and each failure is in the audit trail, and the lockout
    refused = AuditEntry.objects.filter(action="station.sign_in_refused", actor=operator)
    assert [entry.data["code"] for entry in refused.order_by("id")] == ["pin_wrong"] * PIN_ATTEMPTS + [
        "pin_locked"
    ]
    assert AuditEntry.objects.filter(action="station.pin_locked", actor=operator).count() == 1
    # and another badge is not affected; after the lockout the right PIN works
    cache.clear()
    assert sign_in(client, "B-1001", "1234").status_code == 302


@pytest.mark.parametrize("broken", ["get", "incr"])
def test_a_cache_that_cannot_be_reached_refuses_badge_pins_with_what_to_do(
    line, engineer, operator, outsider, monkeypatch, broken
):
    from line.services import station_sessions

    operator.badge_pin = make_password("1234")
    operator.save(update_fields=["badge_pin"])
    client = tablet_client(line.station, engineer=engineer)

    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # given a cache (Redis) that cannot be reached: wrong PINs can be neither read nor counted
    monkeypatch.setattr(station_sessions.cache, broken, unreachable)
    # when an operator scans a badge that has a PIN (a wrong one, where counting is what fails)
    response = sign_in(client, "B-1001", "0000" if broken == "incr" else "1234")
    # then badge sign-in is refused (it fails closed), saying what to do; nobody is signed in
    assert response.status_code == 422 and 'data-code="badge_sign_in_unavailable"' in response.text
    assert "sign in with your user name and password" in response.text
    assert "_auth_user_id" not in client.session
    refused = AuditEntry.objects.get(action="station.sign_in_refused")
    assert (refused.actor, refused.data["code"]) == (operator, "badge_sign_in_unavailable")
    # and user name and password still work
    response = client.post("/line/sign-in", {"username": operator.username, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(operator.pk)


def test_a_badge_without_a_pin_needs_no_cache(line, engineer, operator, monkeypatch):
    from line.services import station_sessions

    def unreachable(*args, **kwargs):
        raise ConnectionError("Connection refused.")

    monkeypatch.setattr(station_sessions.cache, "get", unreachable)
    client = tablet_client(line.station, engineer=engineer)
    assert sign_in(client, "B-1001").status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)


def test_four_wrong_pins_then_the_right_one_signs_in(line, engineer, operator):
    operator.badge_pin = make_password("1234")
    operator.save(update_fields=["badge_pin"])
    client = tablet_client(line.station, engineer=engineer)
    for _attempt in range(PIN_ATTEMPTS - 1):
        assert sign_in(client, "B-1001", "9999").status_code == 422
    assert sign_in(client, "B-1001", "1234").status_code == 302


def test_the_engineer_nav_links_station_tablets_and_the_operator_nav_does_not(
    engineer_client, operator_client
):
    url = reverse("mes:tablet-list")
    assert 'href="{}"'.format(url) in engineer_client.get(reverse("instructions:product-list")).text
    assert 'href="{}"'.format(url) not in operator_client.get(reverse("home"), follow=True).text


def test_favicon_is_linked_and_favicon_ico_redirects_to_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get(reverse("login")).text
