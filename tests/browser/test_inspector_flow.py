"""An inspector works an NCR from the queue to a signed disposition in Debian's Chromium; the unit
continues."""

from pathlib import Path

import pytest

from core.choices import Role
from tests.conftest import PASSWORD, api_client_for
from tests.line.conftest import at_step2, line, started  # noqa: F401  (the line's fixture graph)
from tests.quality.conftest import ncr_at_step2  # noqa: F401


def cell_agent(engineer):
    """An automated cell working at ST-1 through the API, with the operator role (guardrails bind it too)."""
    from core.models import User
    from line.services import qualifications, stations

    client = api_client_for(Role.OPERATOR, "cell-agent")
    identity = User.objects.get(username="cell-agent")
    stations.assign_stations(user=identity, station_codes=["ST-1"], actor=engineer)
    qualifications.grant_qualification(user=identity, qualification="ESD-1", actor=engineer)
    return client


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def keep_screenshot(page, name: str) -> None:
    """Only when asked (THREADLINE_SCREENSHOTS=1): a test run must not rewrite tracked files."""
    import os

    if os.environ.get("THREADLINE_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.mark.browser
def test_an_inspector_dispositions_from_the_queue_and_the_unit_continues(
    page, browser, live_server, sign_in, inspector, engineer, ncr_at_step2, api, at_step2
):
    # given an out-of-tolerance NCR holding unit 1
    serial = at_step2.unit.serial
    assert api.get("/api/v1/units/{}".format(serial)).json()["status"] == "on_hold"
    # when the inspector signs in, lands on the queue and opens the NCR
    sign_in(page, inspector)
    assert page.locator("h1").inner_text() == "Non-conformance reports"
    keep_screenshot(page, "quality-ncr-queue.png")
    page.click("text=" + ncr_at_step2.number)
    page.wait_for_selector("#disposition-form")
    assert "TQ1" in page.locator("#ncr-facts").inner_text()
    keep_screenshot(page, "quality-ncr-detail.png")
    # and first types a wrong password: refused on the spot, nothing decided
    page.check("input[name=decision][value=rework]")
    page.fill("textarea[name=reason]", "Torque 0.9 N.m: screws re-torqued")
    page.select_option("select[name=rework_steps]", str(at_step2.step2.pk))
    page.fill("#disposition-form input[name=password]", "not-my-password")
    page.click("text=Sign and disposition")
    page.wait_for_selector("#disposition-form .outcome-refused, #disposition-form .errorlist")
    assert "password is wrong" in page.locator("#disposition-form").inner_text()
    # then signs with the right one
    page.select_option("select[name=rework_steps]", str(at_step2.step2.pk))
    page.fill("#disposition-form input[name=password]", PASSWORD)
    page.click("text=Sign and disposition")
    page.wait_for_selector(".signature")
    signature = page.locator(".signature").inner_text()
    assert "Ines Inspector (ines)" in signature and "Approved" in signature and "SHA-256" in signature
    assert "Dispositioned" in page.locator("h1").inner_text()
    keep_screenshot(page, "quality-ncr-signed.png")
    # and the unit continues: off hold, the step open again as a new attempt, a new result accepted
    unit = api.get("/api/v1/units/{}".format(serial)).json()
    assert (unit["status"], unit["holds"], unit["current_step"]["id"]) == (
        "in_progress",
        [],
        at_step2.step2.pk,
    )
    cell = cell_agent(engineer)
    answer = cell.post(
        "/api/v1/units/{}/results".format(serial),
        {
            "step": at_step2.step2.pk,
            "characteristic": "TQ1",
            "value": "0.6",
            "gauge": "G-TQ-1",
            "station": "ST-1",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["in_tolerance"] is True

    # and on the tablet at ST-1 the operator sees the step open again, nothing held, recording enabled
    from tests.browser.test_operator_flow import badge_sign_in, bind

    tablet = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}).new_page()
    bind(tablet, at_step2.station, engineer, live_server)
    badge_sign_in(tablet, "B-1001")
    tablet.goto("/line/units/{}/".format(serial))
    tablet.wait_for_selector(".step-counter")
    assert tablet.locator(".step-counter").inner_text() == "Step 2 of 2"
    assert tablet.locator("text=ON HOLD").count() == 0
    assert tablet.locator("form[data-scan-form] input[data-scan-input]").is_disabled() is False
    tablet.context.close()
