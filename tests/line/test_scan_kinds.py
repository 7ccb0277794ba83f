"""A code that is not a unit's serial, scanned on the station screen, is named for what it is."""

import pytest
from django.urls import reverse

from line.models import Consumption, Unit
from line.services import scan_kinds
from line.services.scan_kinds import CodeKind
from tests.line.screens import sign_in, tablet_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def tablet(line, engineer):
    client = tablet_client(line.station, engineer=engineer)
    sign_in(client, "B-1001")
    return client


def scan(tablet, barcode: str):
    return tablet.post(
        reverse("mes:station-scan"), {"barcode": barcode, "idempotency_key": barcode}, headers=HTMX
    )


TOOL = "TD-0.6 is a tool; scan it on the unit&#x27;s step screen when the step asks for it."
BADGE = "That is a badge, not a unit: to sign in with it, tap “Sign in” at the top and scan it there."


@pytest.mark.parametrize(
    "barcode,message",
    [
        ("SCR-1", "SCR-1 is a material lot; scan it on the unit&#x27;s step screen."),
        ("(01)09506000134352(10)SCR-1", "SCR-1 is a material lot; scan it on the unit&#x27;s step screen."),
        ("PCB-0002", "PCB-0002 is a material lot; scan it on the unit&#x27;s step screen."),
        ("TD-0.6", TOOL),
        ("B-2001", BADGE),
        ("NOPE-1", "No unit with serial &#x27;NOPE-1&#x27;: scan the unit&#x27;s serial label."),
    ],
)
def test_the_station_screen_says_what_was_scanned_instead_of_a_unit(
    line, tablet, inspector, barcode, message
):
    before = (list(Unit.objects.values_list("serial", "status")), Consumption.objects.count())
    response = scan(tablet, barcode)
    assert response.status_code == 422
    assert message in response.text
    assert "unknown unit" not in response.text.lower()
    # nothing started, nothing consumed
    assert (list(Unit.objects.values_list("serial", "status")), Consumption.objects.count()) == before


def test_a_unit_serial_still_starts_the_unit(line, tablet):
    response = scan(tablet, line.unit.serial)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mes:unit-step", args=[line.unit.serial])


@pytest.mark.parametrize(
    "raw,kind,code",
    [
        ("SCR-1", CodeKind.LOT, "SCR-1"),
        ("(01)09506000134352(10)TL-1", CodeKind.LOT, "TL-1"),
        ("G-TQ-1", CodeKind.TOOL, "G-TQ-1"),
        ("B-1001", CodeKind.BADGE, "B-1001"),
        ("  ", CodeKind.UNKNOWN, ""),
        ("((garbled", CodeKind.UNKNOWN, "((garbled"),
    ],
)
def test_identify_code_names_the_kind(line, raw, kind, code):
    assert scan_kinds.identify_code(raw) == scan_kinds.IdentifiedCode(kind, code)


def test_identify_code_finds_units_only_among_those_visible(line, operator, outsider):
    serial = line.unit.serial
    assert scan_kinds.identify_code(serial, user=operator).kind == CodeKind.UNIT
    assert scan_kinds.identify_code(serial).kind == CodeKind.UNIT


def test_identifying_a_code_costs_the_same_whatever_the_data(line, django_assert_num_queries):
    with django_assert_num_queries(4):
        assert scan_kinds.identify_code("NOPE-1").kind == CodeKind.UNKNOWN
    with django_assert_num_queries(2):
        assert scan_kinds.identify_code("SCR-1").kind == CodeKind.LOT
