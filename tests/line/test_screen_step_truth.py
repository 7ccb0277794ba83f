"""The step screen tells one truth per act: a stale step's action records nothing and the whole
screen is replaced; tablet pages are never cached; the tab title names the step; refusals help
(the gauge stays, a tool is called a tool, Fail asks once)."""

import pytest
from django.urls import reverse

from line.choices import UnitStatus
from line.models import Consumption, ScanRefusal, StepResult, StepSignOff, ToolScan, Unit
from tests.line.screens import sign_in, tablet_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def tablet(line, engineer):
    client = tablet_client(line.station, engineer=engineer)
    assert sign_in(client, "B-1001").status_code == 302
    return client


@pytest.fixture
def second_tablet(line, engineer):
    """Another tablet at the same station, its operator signed in too."""
    client = tablet_client(line.station, engineer=engineer, name="Tablet 2")
    assert sign_in(client, "B-1001").status_code == 302
    return client


def step_url(unit) -> str:
    return reverse("mes:unit-step", args=[unit.serial])


def moved_from(unit, step) -> str:
    return "{}?moved_from={}".format(step_url(unit), step.pk)


def stale_posts(line):
    """What a screen still showing step 1 ("Place PCB in housing") may send once step 1 is signed off."""
    serial = line.unit.serial
    return {
        "scan": (reverse("mes:step-scan", args=[serial]), {"barcode": "SCR-1"}),
        "pass": (reverse("mes:step-result", args=[serial]), {"characteristic": "VIS1", "passed": "true"}),
        "fail": (
            reverse("mes:step-result", args=[serial]),
            {"characteristic": "VIS1", "passed": "false", "confirmed": "true"},
        ),
        "value": (reverse("mes:step-result", args=[serial]), {"characteristic": "TQ1", "value": "0.6"}),
        "sign-off": (reverse("mes:step-sign-off", args=[serial]), {}),
        "countersign": (
            reverse("mes:step-sign-off", args=[serial]),
            {"inspector_username": "ines", "inspector_password": "secret"},
        ),
    }


def recorded(unit) -> tuple[int, int, int, int]:
    return (
        Consumption.objects.filter(unit=unit).count(),
        StepResult.objects.filter(unit=unit).count(),
        StepSignOff.objects.filter(unit=unit).count(),
        ToolScan.objects.filter(unit=unit).count(),
    )


@pytest.mark.parametrize("act", ["scan", "pass", "fail", "value", "sign-off", "countersign"])
def test_an_act_from_a_screen_still_showing_a_signed_off_step_records_nothing_and_replaces_the_screen(
    at_step2, second_tablet, act
):
    # given a second tablet still showing step 1 while step 1 was signed off elsewhere (the unit is at step 2)
    shown = second_tablet.get(step_url(at_step2.unit))
    assert "Fasten PCB" in shown.text  # (it would show step 2 now; the stale form below says step 1)
    before = recorded(at_step2.unit)
    url, data = stale_posts(at_step2)[act]
    # when that screen sends its act, naming the step it showed
    response = second_tablet.post(
        url, {"idempotency_key": "stale-" + act, "step": at_step2.step1.pk, **data}, headers=HTMX
    )
    # then nothing is recorded, at step 1 or at step 2
    assert recorded(at_step2.unit) == before
    assert Unit.objects.get(pk=at_step2.unit.pk).status == UnitStatus.IN_PROGRESS
    # and no region of the old screen is replaced with step 2's actions: the whole page is loaded again
    assert response["HX-Redirect"] == moved_from(at_step2.unit, at_step2.step1)
    assert 'name="step"' not in response.text
    # and that page is step 2 throughout (title, instruction, needs, actions), saying why
    page = second_tablet.get(response["HX-Redirect"])
    html = page.text
    assert "<title>Step 2 · Fasten PCB · {}</title>".format(at_step2.unit.serial) in html
    assert '<h2 class="step-title">Fasten PCB</h2>' in html
    assert "Place PCB in housing" in html  # only in the message that names the step left behind
    assert html.count("Place PCB in housing") == 1
    assert 'data-code="step_not_current"' in html
    assert (
        "Nothing was recorded: step 1 (Place PCB in housing) was already signed off on another screen. "
        "This is now step 2: Fasten PCB. Read it before you go on."
    ) in html
    assert 'name="step" value="{}"'.format(at_step2.step2.pk) in html
    assert 'name="step" value="{}"'.format(at_step2.step1.pk) not in html


def test_a_stale_act_without_htmx_is_sent_to_the_current_step(at_step2, second_tablet):
    response = second_tablet.post(
        reverse("mes:step-scan", args=[at_step2.unit.serial]),
        {"idempotency_key": "plain", "step": at_step2.step1.pk, "barcode": "SCR-1"},
    )
    assert response.status_code == 302
    assert response["Location"] == moved_from(at_step2.unit, at_step2.step1)
    assert Consumption.objects.filter(unit=at_step2.unit, step=at_step2.step2).count() == 0


def test_a_stale_act_on_a_held_unit_replaces_the_screen_too(at_step2, second_tablet, inspector):
    from line.choices import HoldKind
    from line.services import units as unit_services

    # given the unit, now at step 2, also put on hold
    unit_services.place_hold(unit=at_step2.unit, kind=HoldKind.MANUAL, actor=inspector, reason="Check it")
    # when the screen still showing step 1 sends a scan
    response = second_tablet.post(
        reverse("mes:step-scan", args=[at_step2.unit.serial]),
        {"idempotency_key": "held", "step": at_step2.step1.pk, "barcode": "SCR-1"},
        headers=HTMX,
    )
    # then it is not answered with step 2's (held) actions but with the whole current screen
    assert response["HX-Redirect"] == moved_from(at_step2.unit, at_step2.step1)


def test_a_refresh_and_a_poll_from_a_stale_screen_replace_the_whole_screen(at_step2, tablet):
    # the refresh a replayed answer triggers, naming the step the screen shows
    refresh = tablet.get(
        step_url(at_step2.unit) + "?step={}".format(at_step2.step1.pk),
        headers={**HTMX, "HX-Target": "step-work"},
    )
    assert refresh["HX-Redirect"] == moved_from(at_step2.unit, at_step2.step1)
    # the held screen's poll, once quality released a unit whose step changed meanwhile
    poll = tablet.get(
        step_url(at_step2.unit) + "?step={}".format(at_step2.step1.pk),
        headers={**HTMX, "HX-Target": "step-screen", "X-Threadline-Poll": "1"},
    )
    assert poll["HX-Redirect"] == moved_from(at_step2.unit, at_step2.step1)
    # a refresh of the step the screen does show is a region, as before
    current = tablet.get(
        step_url(at_step2.unit) + "?step={}".format(at_step2.step2.pk),
        headers={**HTMX, "HX-Target": "step-work"},
    )
    assert current.status_code == 200 and current.text.lstrip().startswith('<div id="step-work"')


def test_the_screen_refreshes_and_polls_name_the_step_they_show(at_step2, tablet, inspector):
    from line.choices import HoldKind
    from line.services import units as unit_services

    html = tablet.get(step_url(at_step2.unit)).text
    assert 'data-refresh-url="{}?step={}"'.format(step_url(at_step2.unit), at_step2.step2.pk) in html
    unit_services.place_hold(unit=at_step2.unit, kind=HoldKind.MANUAL, actor=inspector, reason="Check it")
    held = tablet.get(step_url(at_step2.unit)).text
    assert 'hx-get="{}?step={}"'.format(step_url(at_step2.unit), at_step2.step2.pk) in held


def test_a_current_step_act_still_answers_its_regions(at_step2, tablet):
    response = tablet.post(
        reverse("mes:step-scan", args=[at_step2.unit.serial]),
        {"idempotency_key": "fresh", "step": at_step2.step2.pk, "barcode": "SCR-1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert response.text.lstrip().startswith('<div id="step-work"')
    # and the answer names the step in the tab's title (htmx takes it from the partial answer)
    assert "<title>Step 2 · Fasten PCB · {}</title>".format(at_step2.unit.serial) in response.text


def test_the_tab_title_names_the_step_its_title_and_the_unit(started, tablet):
    html = tablet.get(step_url(started.unit)).text
    assert "<title>Step 1 · Place PCB in housing · {}</title>".format(started.unit.serial) in html


@pytest.mark.parametrize("path", ["step", "station", "sign-in"])
def test_tablet_pages_are_never_stored_by_the_browser(started, tablet, line, engineer, path):
    if path == "sign-in":
        client = tablet_client(line.station, engineer=engineer, name="Fresh tablet")
        response = client.get(reverse("mes:station-sign-in"))
    else:
        url = step_url(started.unit) if path == "step" else reverse("mes:station-home")
        response = tablet.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_step_answer_is_never_stored_either(started, tablet):
    response = tablet.post(
        reverse("mes:step-scan", args=[started.unit.serial]),
        {"idempotency_key": "ns", "step": started.step1.pk, "barcode": "PCB-0001"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("value", ["0.6.1", "12,3.4", ""])
def test_a_refused_value_keeps_the_gauge_already_scanned(at_step2, tablet, value):
    # given the gauge scanned into TQ1's form and a value the server refuses
    response = tablet.post(
        reverse("mes:step-result", args=[at_step2.unit.serial]),
        {
            "idempotency_key": "v-" + value,
            "step": at_step2.step2.pk,
            "characteristic": "TQ1",
            "value": value,
            "gauge": "G-TQ-1",
        },
        headers=HTMX,
    )
    # then it is refused, nothing recorded, and the form comes back with the gauge still in it
    assert response.status_code == 422
    assert StepResult.objects.filter(unit=at_step2.unit).count() == 0
    gauge = 'id="gauge-TQ1" name="gauge" type="text" class="input-xl input-gauge" autocomplete="off"'
    assert gauge + ' value="G-TQ-1"' in response.text


@pytest.mark.invariant(4)
def test_a_tool_scanned_where_no_tool_is_used_is_called_a_tool_not_an_unknown_lot(started, tablet):
    # given step 1, which needs a PCB and no tool
    response = tablet.post(
        reverse("mes:step-scan", args=[started.unit.serial]),
        {"idempotency_key": "tool", "step": started.step1.pk, "barcode": "TD-0.6"},
        headers=HTMX,
    )
    # then the screen says it is a tool this step does not use
    assert response.status_code == 422
    assert 'data-code="not_required_here"' in response.text
    assert "Tool TD-0.6 is not used at this step." in response.text
    assert "unknown" not in response.text.lower()
    # and the refusal is logged as what it was; nothing consumed, no tool recorded
    assert list(ScanRefusal.objects.filter(unit=started.unit).values_list("code", flat=True)) == [
        "not_required_here"
    ]
    assert Consumption.objects.filter(unit=started.unit).count() == 0
    assert ToolScan.objects.filter(unit=started.unit).count() == 0


def test_a_gauge_scanned_where_no_result_wants_one_is_a_tool_not_used_here(at_step2, tablet):
    # given step 2 (it uses TD-0.6) on a screen with no result left to measure with a gauge (no `gauges`)
    response = tablet.post(
        reverse("mes:step-scan", args=[at_step2.unit.serial]),
        {"idempotency_key": "gauge", "step": at_step2.step2.pk, "barcode": "G-TQ-1"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Tool G-TQ-1 is not used at this step. This step uses TD-0.6." in response.text


def test_the_api_says_a_tool_is_not_used_here_too(started, engineer):
    from rest_framework.test import APIClient

    from core.choices import Role
    from core.identities import create_api_token
    from line.services import qualifications as qualification_services
    from line.services import stations as station_services

    token, key = create_api_token(name="line-bot", role=Role.OPERATOR, actor=None)
    station_services.assign_stations(user=token.identity, station_codes=["ST-1"], actor=engineer)
    qualification_services.grant_qualification(user=token.identity, qualification="ESD-1", actor=engineer)
    bot = APIClient()
    bot.credentials(HTTP_AUTHORIZATION="Token " + key)
    answer = bot.post(
        "/api/v1/units/{}/scans".format(started.unit.serial),
        {"step": started.step1.pk, "barcode": "G-TQ-1"},
        format="json",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0] == {
        "code": "not_required_here",
        "message": "Tool G-TQ-1 is not used at this step.",
        "path": "barcode",
    }


def test_fail_asks_once_before_it_holds_the_unit(at_step2, tablet):
    url = reverse("mes:step-result", args=[at_step2.unit.serial])
    # when the operator taps Fail on the pass/fail check
    asked = tablet.post(
        url,
        {"idempotency_key": "f1", "step": at_step2.step2.pk, "characteristic": "VIS1", "passed": "false"},
        headers=HTMX,
    )
    # then nothing is recorded yet: the screen asks, in the page, with a Record Fail button
    assert asked.status_code == 200
    assert StepResult.objects.filter(unit=at_step2.unit).count() == 0
    assert Unit.objects.get(pk=at_step2.unit.pk).status == UnitStatus.IN_PROGRESS
    assert "Fail holds the unit for quality. Record Fail?" in asked.text
    assert 'name="confirmed" value="true"' in asked.text
    assert "Record Fail" in asked.text
    # when they confirm, the Fail is recorded and the unit held
    confirmed = tablet.post(
        url,
        {
            "idempotency_key": "f2",
            "step": at_step2.step2.pk,
            "characteristic": "VIS1",
            "passed": "false",
            "confirmed": "true",
        },
        headers=HTMX,
    )
    assert confirmed.status_code == 200
    assert (
        StepResult.objects.filter(unit=at_step2.unit, characteristic__code="VIS1", passed=False).count() == 1
    )
    assert Unit.objects.get(pk=at_step2.unit.pk).status == UnitStatus.ON_HOLD
    assert "VIS1 failed:" in confirmed.text


def test_cancelling_the_fail_question_records_nothing_and_says_so(at_step2, tablet):
    response = tablet.get(
        step_url(at_step2.unit) + "?step={}&fail_cancelled=1".format(at_step2.step2.pk),
        headers={**HTMX, "HX-Target": "step-work"},
    )
    assert response.status_code == 200
    assert "Fail was not recorded." in response.text
    assert "Record Fail?" not in response.text
    assert StepResult.objects.filter(unit=at_step2.unit).count() == 0
