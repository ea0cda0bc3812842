"""Issue 14, a runner's phone: the first screen, the menu without JavaScript, readable charts and
lists, the dashboard's order, the tips search box after Back, and the console watch itself.
Measured at 390x844 (a phone) and 1280x800 (a laptop)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import WatchedBrowser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def test_the_console_watch_catches_a_csp_violation_in_any_context(chromium, live_server):
    """Every context is watched, not only the `page` fixture's: an inline style refused by
    the CSP is reported."""
    watched = WatchedBrowser(chromium)
    context = watched.new_context(base_url=live_server.url, java_script_enabled=True)
    page = context.new_page()
    page.goto("/privacy/")
    page.evaluate(
        "document.head.append(Object.assign(document.createElement('style'),"
        " {textContent: 'p { color: red }'}))"
    )
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_timeout(200)
    context.close()
    assert any("CSP violation: style-src" in problem for problem in watched.problems), (
        watched.problems
    )
