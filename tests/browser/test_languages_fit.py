"""The operator's screens in every offered language: translated, and still glove-sized and in view.

Spanish and French labels run longer than English ones; a button that wraps to two lines or a
sign-off pushed off the screen is as bad as an untranslated one."""

# ruff: noqa: F811 - the line's fixtures are imported from tests/mes/conftest.py and used by name
import pytest
from django.conf import settings

from tests.browser.test_operator_flow import SIZES_JS, bind, in_viewport
from tests.conftest import PASSWORD
from tests.line.conftest import at_step2, line, started  # noqa: F401 - the line's fixture graph

# What the step screen says in each language: its sign-off button and its scan prompt.
# A language added to LANGUAGES without a line here fails, so its screens get measured too.
STEP_SCREEN = {
    "de": ("Schritt abzeichnen", "Scannen Sie eine Charge"),
    "es": ("Firmar el paso", "Escanee un lote"),
    "fr": ("Valider l'étape", "Scannez un lot"),
}


@pytest.mark.browser
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}],
    ids=["landscape", "portrait"],
)
def test_operator_screens_are_translated_and_still_fit(
    page, live_server, at_step2, engineer, operator, viewport, language
):
    operator.preferred_language = language
    operator.save(update_fields=["preferred_language"])
    page.set_viewport_size(viewport)
    bind(page, at_step2.station, engineer, live_server)
    # Typed, not a timed wedge scan: this test measures the screens, not the scanner.
    page.goto("/line/")
    page.fill("#username", operator.username)
    page.fill("#password", PASSWORD)
    page.click("#password-form button[type=submit]")
    page.wait_for_selector(".station-units, #station-units")
    report = "/quality/report/{}/{}/".format(at_step2.unit.serial, at_step2.step2.pk)
    step = "/line/units/{}/".format(at_step2.unit.serial)
    for url in (report, "/line/", step):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == language, url
        sizes = page.evaluate(SIZES_JS)
        assert sizes["tall"] == [], (url, sizes["tall"])
        assert sizes["small"] == [], (url, sizes["small"])
        assert sizes["close"] == [], (url, sizes["close"])
        assert sizes["scrollWidth"] <= sizes["width"], (url, "no sideways scrolling")
    sign_off, prompt = STEP_SCREEN[language]
    assert page.locator("#sign-off-form button").inner_text().strip().endswith(sign_off)
    assert prompt in page.inner_text("body")
    needed = (
        "#scan-barcode",
        "#value-TQ1",
        ".sign-off-bar .still-needed-count",
        "#sign-off-form button",
        "#report-problem-link",
    )
    for selector in needed:
        assert in_viewport(page, selector), (selector, viewport, language)
