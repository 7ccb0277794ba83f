"""The API's browsable docs page works under the strict Content-Security-Policy (no CDN, no inline script)."""

import pytest


@pytest.mark.browser
def test_the_api_docs_page_shows_the_operations_with_no_policy_violation(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    assert page.locator(".opblock").count() > 20
    assert violations == []
