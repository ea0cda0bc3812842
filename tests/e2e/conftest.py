"""Playwright on Debian's Chromium. Skipped (and `make test` says so loudly) without it.

Every browser context a test opens, through the `page` fixture or `browser.new_context()`, is
watched: any console error, uncaught page error or Content-Security-Policy violation fails the
test. A test that expects one (a 404 logged by Chromium) names it with
``@pytest.mark.console_allows("status of 404")``.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium logs a CSP violation as a console error, but a page can also be quietly refused
# something; the event is the certain sign. Init scripts run outside the page's CSP.
REPORT_CSP = """document.addEventListener('securitypolicyviolation', (event) => {
  const blocked = event.blockedURI || 'inline';
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});"""

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "console_allows(text): a console error containing text does not fail the test"
    )


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    no_browser = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install -y chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(no_browser)


class WatchedBrowser:
    """The browser, whose every new context reports its console errors into `problems`."""

    def __init__(self, browser):
        self._browser = browser
        self.problems: list[str] = []

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.add_init_script(REPORT_CSP)
        context.on(
            "console",
            lambda message: message.type == "error" and self.problems.append(message.text),
        )
        context.on("weberror", lambda error: self.problems.append(str(error.error)))
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium, request):
    """The browser for one test; the test fails on any console error or CSP violation."""
    watched = WatchedBrowser(chromium)
    yield watched
    allowed = [mark.args[0] for mark in request.node.iter_markers("console_allows")]
    problems = [p for p in watched.problems if not any(text in p for text in allowed)]
    assert problems == [], f"browser console errors: {problems}"


@pytest.fixture
def page(browser, live_server):
    """A fresh page on the live server."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
