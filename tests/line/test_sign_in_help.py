"""The Help button of the tablet's sign-in screen: whoever cannot sign in can still call for help."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry, OutboxEvent
from line.models import HelpCall
from tests.line.screens import tablet_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def tablet(line, engineer):
    return tablet_client(line.station, engineer=engineer, name="ST-1 left")


def test_the_sign_in_screen_has_the_help_button(tablet):
    page = tablet.get(reverse("mes:station-sign-in"))
    assert page.status_code == 200
    header = page.text[page.text.index("<header") : page.text.index("</header>")]
    assert 'class="btn btn-xl btn-help"' in header
    assert 'action="{}"'.format(reverse("mes:station-sign-in-help")) in header
    assert header.count('name="kind"') == 4  # supervisor, quality, maintenance, material


def test_help_from_the_sign_in_screen_calls_for_this_station_and_names_the_tablet(
    line, tablet, inspector_client
):
    response = tablet.post(reverse("mes:station-sign-in-help"), {"kind": "supervisor"}, headers=HTMX)
    assert response.status_code == 200
    assert "Supervisor is called to station ST-1. Stay at the station." in response.text
    assert 'id="help-panel"' in response.text  # the panel again, for the next call
    call = HelpCall.objects.get()
    assert (call.station, call.kind, call.raised_by) == (line.station, "supervisor", None)
    assert call.raised_from == "ST-1 left"
    entry = AuditEntry.objects.get(action="help.called")
    assert (entry.actor, entry.actor_label, entry.station) == (None, "tablet:ST-1 left", "ST-1")
    event = OutboxEvent.objects.get(type="help.called")
    assert event.data["tablet"] == "ST-1 left" and event.data["station"] == "ST-1"
    board = inspector_client.get(reverse("mes:help-board")).text
    assert "tablet ST-1 left (nobody signed in)" in board


def test_a_second_tap_while_the_call_is_open_is_the_same_call(line, tablet):
    for _tap in range(2):
        response = tablet.post(reverse("mes:station-sign-in-help"), {"kind": "quality"}, headers=HTMX)
        assert response.status_code == 200
    assert HelpCall.objects.count() == 1
    assert AuditEntry.objects.filter(action="help.called").count() == 1
    tablet.post(reverse("mes:station-sign-in-help"), {"kind": "material"}, headers=HTMX)
    assert HelpCall.objects.count() == 2


def test_without_javascript_the_call_comes_back_to_the_sign_in_screen(line, tablet):
    response = tablet.post(reverse("mes:station-sign-in-help"), {"kind": "maintenance"})
    assert response.status_code == 302 and response["Location"] == reverse("mes:station-sign-in")
    assert "Maintenance is called to station ST-1." in tablet.get(response["Location"]).text


def test_an_unknown_kind_is_refused_and_calls_nobody(line, tablet):
    response = tablet.post(reverse("mes:station-sign-in-help"), {"kind": "pizza"}, headers=HTMX)
    assert response.status_code == 422 and "Choose whom to call." in response.text
    assert HelpCall.objects.count() == 0


def test_a_device_that_is_not_a_station_tablet_calls_nobody(line):
    response = Client().post(reverse("mes:station-sign-in-help"), {"kind": "supervisor"})
    assert response.status_code == 302
    assert HelpCall.objects.count() == 0
