"""Station tablets: binding, sign-in by badge (+ PIN) or password, switching, idle, starting units, help."""

import re
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from core.models import AuditEntry
from line.choices import UnitStatus
from line.models import HelpCall, TabletBinding, Unit
from line.selectors import WAITING_SHOWN
from line.services import station_sessions
from line.services import stations as station_services
from line.views.tablet import COOKIE
from tests.conftest import PASSWORD, client_for
from tests.line.screens import sign_in, tablet_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def tablet(line, engineer):
    return tablet_client(line.station, engineer=engineer)


def test_an_engineer_binds_this_device_and_the_cookie_is_httponly(line, engineer):
    client = client_for(engineer)
    response = client.post(reverse("mes:tablet-list"), {"station": "ST-1", "name": "Left"})
    assert response.status_code == 302
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    binding = TabletBinding.objects.get()
    assert (binding.station, binding.name, binding.bound_by) == (line.station, "Left", engineer)
    assert cookie.value.split(":")[0] not in (
        binding.key_hash,
        "",
    )  # the key travels, only its hash is stored


def test_a_bound_tablet_goes_to_its_station_from_the_root_and_after_signing_out(line, engineer, client):
    from tests.line.screens import tablet_client

    tablet = tablet_client(line.station, engineer=engineer)
    # nobody signed in: the root leads to the station's sign-in, not the desk login
    assert tablet.get("/")["Location"] == reverse("mes:station-home")
    # an engineer who bound it at the tablet and signs out lands there too
    tablet.force_login(engineer)
    tablet.post(reverse("logout"))
    assert tablet.get("/")["Location"] == reverse("mes:station-home")
    # while a desk without a binding still goes to the login page
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_operators_cannot_bind_tablets(line, operator_client):
    response = operator_client.post(reverse("mes:tablet-list"), {"station": "ST-1", "name": "Left"})
    assert response.status_code == 403
    assert TabletBinding.objects.count() == 0


def test_a_revoked_tablet_is_no_longer_a_station(line, engineer, tablet):
    binding = TabletBinding.objects.get()
    client_for(engineer).post(reverse("mes:tablet-revoke", args=[binding.pk]), {"reason": "stolen"})
    response = tablet.get(reverse("mes:station-home"))
    assert "This device is not a station tablet" in response.text


def test_an_operator_signs_in_by_badge_and_sees_the_station(line, tablet, operator):
    response = sign_in(tablet, "B-1001")
    assert response.status_code == 302
    station = tablet.get(reverse("mes:station-home"))
    assert station.status_code == 200
    assert "Olga Operator (olga) signed in." in station.text
    assert 'aria-current="true"' in station.text
    assert line.unit.serial in station.text
    assert AuditEntry.objects.filter(action="station.signed_in", actor=operator, station="ST-1").count() == 1


def test_a_badge_with_a_pin_asks_for_it_and_refuses_a_wrong_one(line, tablet, operator):
    operator.badge_pin = make_password("4711")
    operator.save(update_fields=["badge_pin"])
    asked = tablet.post(reverse("mes:station-sign-in"), {"badge": "B-1001"}, headers=HTMX)
    assert (
        asked.status_code == 422 and 'data-code="pin_required"' in asked.text and 'name="pin"' in asked.text
    )
    wrong = tablet.post(reverse("mes:station-sign-in"), {"badge": "B-1001", "pin": "0000"}, headers=HTMX)
    assert 'data-code="pin_wrong"' in wrong.text
    assert "_auth_user_id" not in tablet.session
    right = tablet.post(reverse("mes:station-sign-in"), {"badge": "B-1001", "pin": "4711"}, headers=HTMX)
    assert right["HX-Redirect"] == reverse("mes:station-home")


def test_an_operator_not_assigned_to_the_station_is_refused(line, tablet, outsider):
    response = tablet.post(reverse("mes:station-sign-in"), {"badge": "B-9009"}, headers=HTMX)
    assert response.status_code == 422
    assert 'data-code="station_not_assigned"' in response.text
    assert "_auth_user_id" not in tablet.session


def test_an_unknown_badge_is_refused(line, tablet):
    response = tablet.post(reverse("mes:station-sign-in"), {"badge": "B-0000"}, headers=HTMX)
    assert 'data-code="unknown_badge"' in response.text


def test_every_refused_sign_in_is_in_the_audit_trail(line, tablet, operator, outsider):
    # when sign-in is refused for each reason a person can give
    operator.badge_pin = make_password("4711")
    operator.save(update_fields=["badge_pin"])
    for data in (
        {"badge": "B-0000"},  # unknown badge
        {"badge": "B-9009"},  # a badge of someone not assigned here
        {"badge": "B-1001", "pin": "0000"},  # wrong PIN
        {"username": operator.username, "password": "not-the-password"},
        {"username": "nobody", "password": "x"},
    ):
        response = tablet.post(reverse("mes:station-sign-in"), data, headers=HTMX)
        assert response.status_code == 422, data
    # then each refusal is recorded at the station, with who when known and never the secret
    refused = AuditEntry.objects.filter(action="station.sign_in_refused", station="ST-1").order_by("id")
    assert [(entry.actor_label, entry.data["by"], entry.data["code"]) for entry in refused] == [
        ("(unknown)", "badge", "unknown_badge"),
        (outsider.username, "badge", "station_not_assigned"),
        (operator.username, "badge", "pin_wrong"),
        ("(unknown)", "password", "credentials_wrong"),
        ("(unknown)", "password", "credentials_wrong"),
    ]
    # the account that was tried, when it is one, never the typed text (it may be a password)
    assert [entry.data.get("account") for entry in refused][3:] == [operator.pk, None]
    assert not any(
        secret in str(entry.data) + entry.summary
        for entry in refused
        for secret in ("0000", "not-the", "nobody")
    )
    # and a PIN prompt is not a refusal
    tablet.post(reverse("mes:station-sign-in"), {"badge": "B-1001"}, headers=HTMX)
    assert AuditEntry.objects.filter(action="station.sign_in_refused").count() == 5


def test_two_operators_signed_in_switch_with_a_tap(line, tablet, operator, engineer):
    from tests.conftest import make_person

    colleague = make_person("carl", "operator", full_name="Carl Colleague", badge_code="B-1002")
    station_services.assign_stations(user=colleague, station_codes=["ST-1"], actor=engineer)
    sign_in(tablet, "B-1001")
    tablet.post(reverse("mes:station-sign-in"), {"username": "carl", "password": PASSWORD})
    assert int(tablet.session["_auth_user_id"]) == colleague.pk
    page = tablet.get(reverse("mes:station-home")).text
    assert "Olga Operator (olga)" in page and "Carl Colleague (carl)" in page
    tablet.post(reverse("mes:station-switch", args=[operator.pk]))
    assert int(tablet.session["_auth_user_id"]) == operator.pk
    tablet.post(reverse("mes:station-sign-out", args=[operator.pk]))
    assert int(tablet.session["_auth_user_id"]) == colleague.pk


def test_the_outcome_of_a_sign_in_or_a_switch_speaks_the_language_of_who_it_is_for(
    line, tablet, operator, engineer
):
    from tests.conftest import make_person

    # given olga reads German and carl, who has no preference, works at an English browser
    operator.preferred_language = "de"
    operator.save(update_fields=["preferred_language"])
    colleague = make_person("carl", "operator", full_name="Carl Colleague", badge_code="B-1002")
    station_services.assign_stations(user=colleague, station_codes=["ST-1"], actor=engineer)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    # when olga signs in, her screen says so in German
    tablet.post(reverse("mes:station-sign-in"), {"badge": "B-1001"}, **english)
    assert "Olga Operator (olga) ist angemeldet." in tablet.get(reverse("mes:station-home"), **english).text
    # and when carl signs in while olga's German was active, his says so in English
    tablet.post(reverse("mes:station-sign-in"), {"badge": "B-1002"}, **english)
    assert "Carl Colleague (carl) signed in." in tablet.get(reverse("mes:station-home"), **english).text
    # and a tap back to olga speaks German again
    tablet.post(reverse("mes:station-switch", args=[operator.pk]), **english)
    assert "GEWECHSELT" in tablet.get(reverse("mes:station-home"), **english).text.upper()


def test_the_active_operator_chooses_the_language_of_their_screens_at_the_tablet(line, tablet, operator):
    sign_in(tablet, "B-1001")
    station = tablet.get(reverse("mes:station-home")).text
    assert 'action="{}"'.format(reverse("set-language")) in station and 'value="de"' in station
    # when olga taps Deutsch, her preference is kept and her screens speak German from then on
    response = tablet.post(reverse("set-language"), {"language": "de", "next": reverse("mes:station-home")})
    assert response["Location"] == reverse("mes:station-home")
    operator.refresh_from_db()
    assert operator.preferred_language == "de"
    assert "Hier in Arbeit" in tablet.get(reverse("mes:station-home")).text


def test_an_idle_tablet_signs_everyone_out(line, tablet, settings):
    sign_in(tablet, "B-1001")
    session = tablet.session
    session[station_sessions.SESSION_SEEN] = time.time() - settings.THREADLINE_IDLE_TIMEOUT_SECONDS - 1
    session.save()
    response = tablet.get(reverse("mes:unit-step", args=[line.unit.serial]))
    assert response.status_code == 302 and response["Location"] == reverse("mes:station-sign-in")
    assert "_auth_user_id" not in tablet.session
    assert "Everyone was signed out" in tablet.get(reverse("mes:station-sign-in")).text


def test_a_unit_starts_with_a_tap_and_opens_its_first_step(line, tablet):
    sign_in(tablet, "B-1001")
    response = tablet.post(
        reverse("mes:unit-start", args=[line.unit.serial]), {"idempotency_key": "s1"}, headers=HTMX
    )
    assert response["HX-Redirect"] == reverse("mes:unit-step", args=[line.unit.serial])
    assert Unit.objects.get(pk=line.unit.pk).status == UnitStatus.IN_PROGRESS


@pytest.mark.invariant(11)
def test_starting_beyond_the_wip_limit_shows_the_refusal_and_starts_nothing(line, tablet):
    sign_in(tablet, "B-1001")
    for serial in (line.units[0].serial, line.units[1].serial):
        tablet.post(reverse("mes:station-scan"), {"barcode": serial, "idempotency_key": serial}, headers=HTMX)
    response = tablet.post(
        reverse("mes:station-scan"),
        {"barcode": line.units[2].serial, "idempotency_key": "third"},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert 'data-code="wip_limit_reached"' in response.text and "outcome-refused" in response.text
    assert Unit.objects.get(pk=line.units[2].pk).status == UnitStatus.PLANNED


def test_the_station_screen_queries_do_not_grow_with_units(line, tablet, engineer, django_assert_num_queries):
    from line.services import work_orders as work_order_services

    sign_in(tablet, "B-1001")
    tablet.get(reverse("mes:station-home"))
    with django_assert_num_queries(6):
        few = tablet.get(reverse("mes:station-home"))
    assert few.text.count("unit-waiting") < WAITING_SHOWN and "more are waiting" not in few.text
    work_order_services.create_work_order(number="WO-2", part_number="100-200", quantity=40, actor=engineer)
    with django_assert_num_queries(6):
        many = tablet.get(reverse("mes:station-home"))
    # the next units are shown, oldest work order first; the rest are started by scanning their serial
    assert many.text.count("unit-waiting") == WAITING_SHOWN
    assert "The next {} units are shown; more are waiting.".format(WAITING_SHOWN) in many.text
    assert "Waiting ({}+)".format(WAITING_SHOWN) in many.text
    assert line.units[0].serial in many.text
    # each Start button carries its own idempotency key
    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', many.text)
    assert len(keys) == len(set(keys)) == WAITING_SHOWN + 1  # + the scan form's


def test_the_help_button_calls_and_the_board_shows_it(line, tablet, inspector_client):
    sign_in(tablet, "B-1001")
    response = tablet.post(
        reverse("mes:help-call"), {"kind": "quality", "unit": "", "idempotency_key": "h1"}, headers=HTMX
    )
    assert response.status_code == 200 and "Quality is called to station ST-1" in response.text
    call = HelpCall.objects.get()
    assert (call.kind, call.station, call.raised_by.username) == ("quality", line.station, "olga")
    board = inspector_client.get(reverse("mes:help-board"))
    assert "ST-1" in board.text and "Quality" in board.text
