"""Shared Playwright fixtures for real-browser tests (`@pytest.mark.browser`).

Debian's Chromium drives the app served by pytest-django's `live_server`. Reuse:
    def test_x(page, live_server, sign_in, operator): sign_in(page, operator); page.goto(...)
"""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "real-browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
    # from it unless told the loop does not share them (the live server runs in its own thread).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on a 10-inch tablet-sized viewport."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in():
    """Sign a persona in through the real login page."""

    def _sign_in(page, user, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return _sign_in
