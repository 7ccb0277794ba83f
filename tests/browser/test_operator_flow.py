"""An operator at a bound tablet, in a real browser: badge sign-in, start, wedge-scanner scans
(GS1 included), a refused scan, a result out of tolerance and the hold, the network banner;
and the sizes gloved hands need, measured on the real pages at 1280x800 and 800x1280."""

# ruff: noqa: F811 - the line's fixtures are imported from tests/mes/conftest.py and used by name
import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from line.choices import UnitStatus
from line.models import Consumption, ScanRefusal, Unit
from line.services import stations as station_services
from line.views.tablet import COOKIE, set_tablet_cookie
from tests.line.conftest import at_step2, line, started  # noqa: F401 - the line's fixture graph

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
GS1_PCB = "]C10109506000134352\x1d21PCB-0001"  # typed by the scanner as Ctrl+] for GS


def keep_screenshot(page, name: str) -> None:
    if os.environ.get("THREADLINE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "{}.png".format(name)), scale="css")


def bind(page, station, engineer, live_server) -> None:
    """Give the browser the cookie the binding screen would have set."""
    from django.http import HttpResponse

    _binding, key = station_services.bind_tablet(station=station, name="Browser tablet", actor=engineer)
    response = HttpResponse()
    set_tablet_cookie(response, key)
    page.context.add_cookies(
        [{"name": COOKIE, "value": response.cookies[COOKIE].value, "url": live_server.url}]
    )


def wedge_scan(page, text: str) -> None:
    """A wedge scanner: keys a few ms apart, GS as Ctrl+], then Enter; no field focused."""
    page.wait_for_function("window.ThreadlineScanner !== undefined && window.htmx !== undefined")
    # The keys are sent from this test's thread; let the live server finish what it is doing first,
    # or a busy 2-core machine can stretch the gaps between keys beyond a scanner's 35 ms.
    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    parts = text.split("\x1d")
    for index, part in enumerate(parts):
        if index:
            page.keyboard.press("Control+BracketRight")
        page.keyboard.type(part, delay=5)
    page.keyboard.press("Enter")


def open_unit(page, live_server, line, engineer) -> None:
    """The line's station tablet, its operator signed in by badge, on the unit's step screen."""
    bind(page, line.station, engineer, live_server)
    badge_sign_in(page, "B-1001")
    page.goto("/line/units/{}/".format(line.unit.serial))
    page.wait_for_selector(".step-counter")


def badge_sign_in(page, badge: str) -> None:
    page.goto("/line/")
    page.wait_for_selector("#badge-form")
    wedge_scan(page, badge)
    page.wait_for_selector(".station-units, #station-units")


@pytest.mark.browser
@pytest.mark.invariant(4)
@pytest.mark.invariant(5)
def test_operator_signs_in_by_badge_scans_and_sees_the_hold(page, live_server, line, engineer):
    bind(page, line.station, engineer, live_server)
    # given the operator scans their badge at the bound tablet
    badge_sign_in(page, "B-1001")
    assert "Olga Operator" in page.locator(".operator-active").inner_text()
    keep_screenshot(page, "station")
    # when they start the first unit with a tap
    page.click("[data-serial='{}'] button".format(line.unit.serial))
    page.wait_for_selector(".step-counter")
    assert page.locator(".step-counter").inner_text() == "Step 1 of 2"
    assert page.locator("#sign-off-form button").is_disabled()
    # and scan the PCB's GS1 label with the wedge scanner, no field focused
    wedge_scan(page, GS1_PCB)
    page.locator("#outcome .outcome-ok", has_text="Accepted").wait_for()
    page.wait_for_selector("#sign-off-form button:not([disabled])")
    assert Consumption.objects.filter(unit=line.unit, lot__code="PCB-0001").count() == 1
    page.click("#sign-off-form button")
    page.wait_for_selector("text=Step 2 of 2")
    keep_screenshot(page, "step")
    # a wrong part is refused with its reason, nothing consumed
    wedge_scan(page, "PCB-0002")
    page.wait_for_selector("#outcome .outcome-refused")
    assert "this step needs 300-550, 300-900" in page.locator("#outcome").inner_text()
    assert ScanRefusal.objects.filter(unit=line.unit, code="wrong_part").count() == 1
    keep_screenshot(page, "step-refused")
    # the gauge, then a torque out of tolerance
    wedge_scan(page, "G-TQ-1")
    page.wait_for_selector("#gauge-TQ1[value='G-TQ-1']")
    page.fill("#value-TQ1", "0.9")
    page.click("form[data-characteristic='TQ1'] button[type=submit]")
    page.wait_for_selector("#outcome .outcome-hold")
    page.wait_for_selector("#hold-banner")
    assert "OUT OF TOLERANCE" in page.locator("#outcome").inner_text().upper()
    assert page.locator("#outcome").get_attribute("aria-live") == "assertive"
    assert Unit.objects.get(pk=line.unit.pk).status == UnitStatus.ON_HOLD
    page.evaluate("window.scrollTo(0, 0)")
    keep_screenshot(page, "step-hold")


@pytest.mark.browser
def test_a_refused_serial_at_the_station_leaves_the_next_scan_working(page, live_server, line, engineer):
    bind(page, line.station, engineer, live_server)
    badge_sign_in(page, "B-1001")
    # given a serial scanned at the station that is no unit
    wedge_scan(page, "PC-99999")
    page.locator("#outcome .outcome-refused", has_text="No unit with serial 'PC-99999'").wait_for()
    # when the right serial is scanned next (a new request: it must carry a new key)
    wedge_scan(page, line.unit.serial)
    # then the unit starts and its first step opens
    page.wait_for_selector(".step-counter")
    assert page.locator(".step-counter").inner_text() == "Step 1 of 2"
    assert Unit.objects.get(pk=line.unit.pk).status == UnitStatus.IN_PROGRESS


@pytest.mark.browser
@pytest.mark.invariant(8)
def test_each_scan_is_one_round_trip_queued_scans_wait_and_a_typed_value_survives_the_gauge(
    page, live_server, at_step2, engineer
):
    open_unit(page, live_server, at_step2, engineer)
    requests = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    # given a torque typed before its gauge is scanned
    page.fill("#value-TQ1", "0,6")
    # when two labels are scanned back to back (the second while the first is on its way)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for label in ("SCR-1", "G-TQ-1"):
        page.keyboard.type(label, delay=5)
        page.keyboard.press("Enter")
    # then both are taken, in order, each with its own fresh key, and the gauge lands in the form
    page.wait_for_selector("#gauge-TQ1[value='G-TQ-1']")
    page.locator("#outcome", has_text="Gauge G-TQ-1 ready").wait_for()
    assert Consumption.objects.filter(unit=at_step2.unit, lot__code="SCR-1").count() == 1
    # and the typed value is still there
    assert page.input_value("#value-TQ1") == "0,6"
    # and each scan cost one request: its answer carried the step's new needs and actions
    unit_url = "/line/units/{}/".format(at_step2.unit.serial)
    assert [method for method, url in requests if unit_url in url] == ["POST", "POST"]


@pytest.mark.browser
@pytest.mark.invariant(8)
def test_a_dropped_network_shows_the_banner_disables_sign_off_and_resends_once(
    page, live_server, started, engineer
):
    open_unit(page, live_server, started, engineer)
    # when the network drops and a scan is made
    page.context.set_offline(True)
    wedge_scan(page, "PCB-0001")
    # then the banner spans the screen and sign-off is disabled
    banner = page.locator("#network-banner")
    banner.wait_for(state="visible")
    assert banner.bounding_box()["width"] >= page.viewport_size["width"] - 20
    assert page.locator("#sign-off-form button").is_disabled()
    assert Consumption.objects.filter(unit=started.unit).count() == 0
    # when it comes back, the same request is resent and recorded once
    page.context.set_offline(False)
    page.locator("#outcome .outcome-ok", has_text="Accepted").wait_for(timeout=15_000)
    page.wait_for_selector("#sign-off-form button:not([disabled])")
    assert banner.is_hidden()
    assert Consumption.objects.filter(unit=started.unit).count() == 1


@pytest.mark.browser
@pytest.mark.invariant(8)
def test_every_action_made_offline_is_sent_in_order_once_back(page, live_server, at_step2, engineer):
    from line.models import StepResult

    open_unit(page, live_server, at_step2, engineer)
    page.wait_for_selector("text=Step 2 of 2")
    # when the network drops, a lot is scanned and then a check is passed
    page.context.set_offline(True)
    wedge_scan(page, "SCR-1")
    page.locator("#network-banner").wait_for(state="visible")
    page.click("form[data-characteristic='VIS1'] button[value=true]")
    page.wait_for_timeout(300)
    assert Consumption.objects.filter(unit=at_step2.unit, lot__code="SCR-1").count() == 0
    # then, back online, both reach the server, each once
    page.context.set_offline(False)
    page.wait_for_selector("form[data-characteristic='VIS1'].is-recorded", timeout=15_000)
    page.wait_for_timeout(500)
    assert Consumption.objects.filter(unit=at_step2.unit, lot__code="SCR-1").count() == 1
    assert StepResult.objects.filter(unit=at_step2.unit, characteristic__code="VIS1").count() == 1
    assert "Scan 4" not in page.locator("#step-work").inner_text()


@pytest.mark.browser
def test_the_held_screen_comes_back_to_life_when_quality_releases_the_unit(
    page, live_server, at_step2, engineer, inspector
):
    from line.choices import HoldKind
    from line.services import units as unit_services

    hold = unit_services.place_hold(
        unit=at_step2.unit, kind=HoldKind.MANUAL, actor=inspector, reason="Check it"
    )
    open_unit(page, live_server, at_step2, engineer)
    page.wait_for_selector("#hold-banner")
    assert page.locator("#scan-barcode").is_disabled()
    # when quality releases it elsewhere, the screen learns it by itself (a poll every 10 s)
    unit_services.release_hold(hold=hold, actor=inspector, reason="Fine")
    page.locator("#outcome .outcome-ok", has_text="Quality released unit").wait_for(timeout=15_000)
    assert page.locator("#hold-banner").count() == 0
    assert not page.locator("#scan-barcode").is_disabled()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 800), (800, 1280)])
def test_the_inspector_countersigns_at_the_tablet_with_everything_in_view(
    page, live_server, at_step2, engineer, inspector, operator, viewport
):
    from tests.conftest import PASSWORD
    from tests.line.test_sign_off_step import complete_step2

    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    complete_step2(at_step2, operator)
    open_unit(page, live_server, at_step2, engineer)
    # given a step whose needs are all met and which asks for an inspector's countersignature
    page.wait_for_selector("input[name=inspector_username]")
    # and a first tap on Sign off without it (refused: the outcome takes its room at the top)
    page.click("#sign-off-form button")
    page.locator("#outcome .outcome-refused", has_text="countersignature").wait_for()
    # then the countersignature and the sign-off button are both in view, and the pinned sign-off
    # bar leaves most of the column to scroll
    for selector in (
        "input[name=inspector_username]",
        "input[name=inspector_password]",
        "#sign-off-form button",
    ):
        assert in_viewport(page, selector), selector
    work = page.locator("#step-work").bounding_box()
    bar = page.locator(".sign-off-bar").bounding_box()
    assert bar["height"] < work["height"] / 3, (bar, work)
    # when the inspector signs there, the step is signed off and the unit complete
    page.fill("input[name=inspector_username]", inspector.username)
    page.fill("input[name=inspector_password]", PASSWORD)
    page.click("#sign-off-form button")
    page.locator("#outcome", has_text="is complete").wait_for()
    assert Unit.objects.get(pk=at_step2.unit.pk).status == UnitStatus.COMPLETED


@pytest.mark.browser
def test_a_value_typed_just_before_a_scan_stays_typed_and_the_scan_is_only_the_label(
    page, live_server, at_step2, engineer
):
    open_unit(page, live_server, at_step2, engineer)
    page.wait_for_selector("text=Step 2 of 2")
    page.wait_for_load_state("networkidle")
    # when the operator types a torque into its field and scans the gauge a moment later
    page.click("#value-TQ1")
    page.keyboard.type("0.6", delay=150)
    page.wait_for_timeout(200)
    page.keyboard.type("G-TQ-1", delay=5)
    page.keyboard.press("Enter")
    # then the gauge is the scan, and the typed value is still in its field
    page.wait_for_selector("#gauge-TQ1[value='G-TQ-1']")
    expect(page.locator("#value-TQ1")).to_have_value("0.6")  # put back once the new step-work settles
    assert ScanRefusal.objects.filter(unit=at_step2.unit).count() == 0


# Measures every visible control, the text sizes and contrasts of the page (see the file).
SIZES_JS = (Path(__file__).parent / "sizes.js").read_text()


@pytest.mark.browser
@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}],
    ids=["landscape", "portrait"],
)
def test_operator_screens_have_glove_sized_controls_and_readable_text(
    page, live_server, at_step2, engineer, viewport
):
    page.set_viewport_size(viewport)
    bind(page, at_step2.station, engineer, live_server)
    page.goto("/line/sign-in")
    assert page.evaluate(SIZES_JS)["tall"] == [], "sign-in fields are one line tall"
    badge_sign_in(page, "B-1001")
    report = "/quality/report/{}/{}/".format(at_step2.unit.serial, at_step2.step2.pk)
    for url in (report, "/line/", "/line/units/{}/".format(at_step2.unit.serial)):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        sizes = page.evaluate(SIZES_JS)
        assert sizes["tall"] == [], (url, sizes["tall"])
        assert sizes["small"] == [], (url, sizes["small"])
        assert sizes["close"] == [], (url, sizes["close"])
        assert sizes["body"] >= 20
        assert sizes["bodyContrast"] >= 4.5
        assert all(height >= 72 for height in sizes["primary"]), sizes["primary"]
        assert sizes["scrollWidth"] <= sizes["width"], "no sideways scrolling"
    assert sizes["step"] >= 28 and sizes["stepContrast"] >= 7
    assert sizes["value"] >= 40
    # step 2 needs materials, a tool and two characteristics: still, without scrolling, the scan field,
    # the first result, how much is still needed and the sign-off are on the screen (the list of what is
    # still needed is reached by the page's own scroll: tests/browser/test_step_fit.py)
    for selector in (
        "#scan-barcode",
        "#value-TQ1",
        ".sign-off-bar .still-needed-count",
        "#sign-off-form button",
        "#report-problem-link",
    ):
        assert in_viewport(page, selector), (selector, viewport)
    assert page.evaluate("window.scrollY") == 0
    title = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.step-title')).fontSize)")
    assert title >= 32 and title > sizes["step"]
    # a scan keeps them in view
    wedge_scan(page, "SCR-1")
    page.wait_for_selector("#outcome .outcome-ok")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-need='material:300-550'].need-done")  # the refreshed needs and actions
    assert in_viewport(page, "#sign-off-form button") and in_viewport(page, "#scan-barcode"), viewport
    assert page.locator("#outcome .svg-icon").bounding_box()["width"] >= 30, "the outcome icon is drawn"


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}],
    ids=["landscape", "portrait"],
)
def test_the_pin_step_shows_the_notice_the_pin_field_and_sign_in_together(
    page, live_server, line, engineer, operator, viewport
):
    from django.contrib.auth.hashers import make_password

    operator.badge_pin = make_password("1234")
    operator.save(update_fields=["badge_pin"])
    page.set_viewport_size(viewport)
    bind(page, line.station, engineer, live_server)
    page.goto("/line/")
    page.wait_for_selector("#badge-form")
    wedge_scan(page, "B-1001")
    page.wait_for_selector("#pin")
    for selector in ("#outcome [data-code='pin_required']", "#pin", "#badge-form button[type=submit]"):
        assert in_viewport(page, selector), (selector, viewport)
    assert page.evaluate(SIZES_JS)["tall"] == []
    page.fill("#pin", "1234")
    page.click("#badge-form button[type=submit]")
    page.wait_for_selector(".operator-active")


@pytest.mark.browser
@pytest.mark.invariant(4)
def test_a_scan_with_one_late_key_is_still_one_scan_and_typing_is_not_a_scan(
    page, live_server, started, engineer
):
    open_unit(page, live_server, started, engineer)
    page.wait_for_function("window.ThreadlineScanner !== undefined")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    # a person typing a lot code slowly and pressing Enter is not a scan: nothing is sent
    page.keyboard.type("PCB-0001", delay=150)
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert Consumption.objects.filter(unit=started.unit).count() == 0
    assert ScanRefusal.objects.filter(unit=started.unit).count() == 0
    # a scanner delayed once in mid-label (a busy tablet) still delivers the whole label once
    page.wait_for_timeout(700)
    page.keyboard.type("PCB-", delay=5)
    page.wait_for_timeout(150)
    page.keyboard.type("0001", delay=5)
    page.keyboard.press("Enter")
    page.locator("#outcome .outcome-ok", has_text="Accepted").wait_for()
    assert list(Consumption.objects.filter(unit=started.unit).values_list("lot__code", flat=True)) == [
        "PCB-0001"
    ]
