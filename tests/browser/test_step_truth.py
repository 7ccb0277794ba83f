"""One truth per act, in a real browser: a step signed off in another tab replaces the whole stale
screen (title, instruction, needs, actions) before anything can be recorded against it; Back never
shows a dead copy; Fail asks once, in the page; the tab title follows the step."""

# ruff: noqa: F811 - the line's fixtures are imported from tests/mes/conftest.py and used by name
import pytest

from line.choices import UnitStatus
from line.models import Consumption, StepResult, Unit
from line.services import scans as scan_services
from line.services import units as unit_services
from tests.browser.test_operator_flow import open_unit, wedge_scan
from tests.line.conftest import at_step2, line, started  # noqa: F401 - the line's fixture graph


@pytest.mark.browser
def test_a_sign_off_in_another_tab_replaces_the_whole_stale_screen(page, live_server, started, engineer):
    # given two tabs on the unit's step 1, its PCB scanned in the first
    open_unit(page, live_server, started, engineer)
    other = page.context.new_page()
    other.goto("/line/units/{}/".format(started.unit.serial))
    other.wait_for_selector(".step-counter")
    assert other.title().startswith("Step 1 · Place PCB in housing")
    wedge_scan(page, "PCB-0001")
    page.wait_for_selector("#sign-off-form button:not([disabled])")
    # when step 1 is signed off in the first tab
    page.click("#sign-off-form button")
    page.wait_for_selector("text=Step 2 of 2")
    # and the second tab, still reading step 1, sends a scan meant for what it shows
    other.bring_to_front()
    wedge_scan(other, "SCR-1")
    # then nothing is recorded, and the whole second screen is step 2: title, instruction, needs, actions
    other.locator("#outcome [data-code='step_not_current']").wait_for()
    assert Consumption.objects.filter(unit=started.unit, lot__code="SCR-1").count() == 0
    assert other.locator(".step-title").inner_text() == "Fasten PCB"
    assert other.locator(".step-counter").inner_text() == "Step 2 of 2"
    assert other.title() == "Step 2 · Fasten PCB · {}".format(started.unit.serial)
    assert other.locator("form[data-characteristic='VIS1']").count() == 1
    assert "Place PCB in housing" not in other.locator("#step-screen").inner_text()
    message = other.locator("#outcome").inner_text()
    assert "Nothing was recorded: step 1 (Place PCB in housing) was already signed off" in message
    assert "This is now step 2: Fasten PCB" in message
    # and the URL that said so says it once (a reload shows the step without the message)
    assert "moved_from" not in other.url


@pytest.mark.browser
def test_back_never_shows_a_dead_copy_of_a_step(page, live_server, started, engineer, operator):
    # given the step screen of step 1, then the station screen
    open_unit(page, live_server, started, engineer)
    page.goto("/line/")
    page.wait_for_selector("#station-units")
    # when step 1 is signed off elsewhere and the operator taps Back
    scan_services.record_scan(
        unit=started.unit, step=started.step1, barcode="PCB-0001", actor=operator, station=started.station
    )
    unit_services.sign_off_step(
        unit=started.unit, step=started.step1, actor=operator, station=started.station
    )
    page.go_back()
    # then the screen is the live one, at step 2, not the copy of step 1
    page.wait_for_selector(".step-counter")
    assert page.locator(".step-counter").inner_text() == "Step 2 of 2"
    assert page.title().startswith("Step 2 · Fasten PCB")


@pytest.mark.browser
def test_a_page_restored_from_the_back_forward_cache_is_loaded_again(page, live_server, started, engineer):
    open_unit(page, live_server, started, engineer)
    page.evaluate("window.threadlineMarker = 'old copy'")
    # when the browser says the page was restored from its back-forward cache
    with page.expect_navigation():
        page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    page.wait_for_selector(".step-counter")
    # then it was loaded again from the server (the old copy's state is gone)
    assert page.evaluate("window.threadlineMarker === undefined")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 800), (800, 1280)])
def test_fail_asks_once_in_the_page_before_it_holds_the_unit(page, live_server, at_step2, engineer, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    open_unit(page, live_server, at_step2, engineer)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # when the operator taps Fail on the pass/fail check
    page.click("form[data-characteristic='VIS1'] button[value=false]")
    # then the page asks (no browser dialog), nothing is recorded, and the answer is a glove-sized button
    question = page.locator("form[data-characteristic='VIS1'] .confirm-fail")
    question.wait_for()
    assert "Fail holds the unit for quality. Record Fail?" in question.inner_text()
    assert dialogs == []
    assert StepResult.objects.filter(unit=at_step2.unit).count() == 0
    confirm = page.locator("[data-confirm-fail]")
    box = confirm.bounding_box()
    assert box["width"] >= 64 and box["height"] >= 64
    cancel = question.locator("a.btn")
    assert cancel.bounding_box()["height"] >= 64
    # when they cancel, nothing is recorded and Pass / Fail are back
    cancel.click()
    page.locator("#outcome", has_text="Fail was not recorded.").wait_for()
    page.wait_for_selector("form[data-characteristic='VIS1'] button[value=true]")
    assert StepResult.objects.filter(unit=at_step2.unit).count() == 0
    # when they tap Fail again and confirm, the Fail is recorded and the unit held
    page.click("form[data-characteristic='VIS1'] button[value=false]")
    page.locator("[data-confirm-fail]").click()
    page.wait_for_selector("#hold-banner")
    assert StepResult.objects.filter(unit=at_step2.unit, passed=False).count() == 1
    assert Unit.objects.get(pk=at_step2.unit.pk).status == UnitStatus.ON_HOLD
    assert dialogs == []


@pytest.mark.browser
def test_the_tab_title_follows_the_step_across_htmx_answers(page, live_server, started, engineer):
    open_unit(page, live_server, started, engineer)
    serial = started.unit.serial
    assert page.title() == "Step 1 · Place PCB in housing · {}".format(serial)
    page.evaluate("document.title = 'something else'")
    wedge_scan(page, "PCB-0001")
    page.locator("#outcome .outcome-ok").wait_for()
    page.wait_for_function("document.title.startsWith('Step 1')")
    assert page.title() == "Step 1 · Place PCB in housing · {}".format(serial)
    page.click("#sign-off-form button")
    page.wait_for_selector("text=Step 2 of 2")
    assert page.title() == "Step 2 · Fasten PCB · {}".format(serial)
