"""The tablet's sign-in screen has the same glove-sized Help as every other line screen, and it calls."""

# ruff: noqa: F811 - the line's fixtures are imported from tests/mes/conftest.py and used by name
import pytest

from line.models import HelpCall
from tests.browser.test_operator_flow import SIZES_JS, bind
from tests.line.conftest import line  # noqa: F401 - the line's fixture graph


@pytest.mark.browser
@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}],
    ids=["landscape", "portrait"],
)
def test_help_on_the_sign_in_screen_is_glove_sized_and_calls(page, live_server, line, engineer, viewport):
    page.set_viewport_size(viewport)
    bind(page, line.station, engineer, live_server)
    page.goto("/line/sign-in")
    page.wait_for_selector("#badge-form")
    help_button = page.locator("#help-panel > summary")
    box = help_button.bounding_box()
    assert box is not None and box["width"] >= 64 and box["height"] >= 64, box
    sizes = page.evaluate(SIZES_JS)
    assert sizes["small"] == [], sizes["small"]
    help_button.click()
    choices = page.locator("#help-panel button")
    assert choices.count() == 4
    for index in range(4):
        choice = choices.nth(index).bounding_box()
        assert choice["height"] >= 64 and choice["width"] >= 64, choice
    page.get_by_role("button", name="Call Supervisor").click()
    page.wait_for_selector("#outcome .outcome-ok")
    assert "Supervisor is called to station ST-1" in page.locator("#outcome").inner_text()
    assert HelpCall.objects.filter(station=line.station, kind="supervisor", raised_by=None).count() == 1
