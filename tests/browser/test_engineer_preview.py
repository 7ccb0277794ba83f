"""An engineer, in a real browser: open a revision, preview it as an operator, compare B and C."""

import os
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def keep_screenshot(page, name: str) -> None:
    """With THREADLINE_SCREENSHOTS=1, keep what the browser shows as docs/screenshots/<name>.png."""
    if os.environ.get("THREADLINE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "{}.png".format(name)), scale="css")


@pytest.mark.browser
@pytest.mark.invariant(1)
def test_engineer_previews_a_revision_and_compares_b_with_c(page, sign_in, engineer, released_c):
    # given an engineer signed in through the login page
    sign_in(page, engineer)
    assert page.locator("h1").inner_text() == "Products"
    # when they open 100-200 and its revision C
    page.click("text=100-200")
    page.click("a[href$='/revisions/{}/']".format(released_c.pk))
    assert "revision C" in page.locator("h1").inner_text()
    # and preview it as an operator
    page.click("text=Preview as operator")
    # then every screen says PREVIEW and the steps navigate
    mark = page.locator("#preview-mark")
    assert mark.is_visible() and "PREVIEW" in mark.inner_text()
    assert page.locator(".step-counter").inner_text() == "Step 1 of 2"
    assert page.locator(".step-title").inner_text() == "Place PCB in housing"
    assert page.locator("#step-actions button").is_disabled()
    font_size = page.locator(".step-instruction").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font_size >= 28
    keep_screenshot(page, "preview-step")
    page.click("text=Next step")
    page.wait_for_selector("text=Step 2 of 2")
    assert page.locator(".step-title").inner_text() == "Fasten PCB"
    assert page.url.endswith("/revisions/{}/preview/2/".format(released_c.pk))
    assert "PREVIEW" in page.locator("#preview-mark").inner_text()
    assert "0.65 N.m" in page.locator("[data-need='characteristic:TQ1']").inner_text()
    button_height = page.locator("#step-nav a").first.evaluate("el => el.getBoundingClientRect().height")
    assert button_height >= 64
    page.click("text=Previous step")
    page.wait_for_selector("text=Step 1 of 2")
    # when they compare B with C
    page.click("text=End preview")
    page.click("text=Compare revisions >> nth=-1")
    page.wait_for_selector("#compare-result")
    # then the torque limit change is shown
    torque = page.locator(".compare-step", has_text="Fasten PCB")
    assert "lower limit 0.5 → 0.55" in torque.inner_text()
    assert "upper limit 0.7 → 0.65" in torque.inner_text()
    keep_screenshot(page, "compare")


@pytest.mark.browser
def test_desk_pages_fit_an_800_px_wide_portrait_tablet(page, sign_in, engineer, released_c):
    # given an engineer on a portrait 10-inch tablet
    page.set_viewport_size({"width": 800, "height": 1280})
    sign_in(page, engineer)
    for url in (
        "/instructions/",
        "/instructions/revisions/{}/".format(released_c.pk),
        "/instructions/revisions/{}/preview/1/".format(released_c.pk),
        "/audit/",
    ):
        page.goto(url)
        # then nothing scrolls sideways: the bar wraps, and sign-out stays on screen
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (url, overflow)
        box = page.locator(".signout button").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 800, url
