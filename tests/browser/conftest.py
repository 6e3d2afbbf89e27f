"""Real-browser fixtures: the app under Daphne (harness/appserver.py) and Debian's chromium.

Every page records its JavaScript errors and Content-Security-Policy violations; a test
fails if its page had any.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.appserver import AppServer
from tests.browser.pages import PASSWORD, WATCH_PROBLEMS
from tests.chromium import chromium

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[AppServer]:
    server = AppServer(tmp_path_factory.mktemp("browser-app"))
    server.prepare()
    server.create_user("ada", PASSWORD, tier="pro")
    server.start()
    yield server
    server.stop()


# Per module, not per session: Playwright's sync API runs an event loop on this thread
# while it is open, which other tests' loops (and other Playwright users) must not meet.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser, app: AppServer) -> Iterator[Page]:
    context = browser.new_context(base_url=app.url, viewport={"width": 1280, "height": 800})
    context.add_init_script(WATCH_PROBLEMS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror {error}"))
    yield page
    problems = errors + [p for p in _page_problems(page)]
    context.close()
    assert problems == []


def _page_problems(page: Page) -> list[str]:
    try:
        return page.evaluate("window.__problems || []")
    except Exception:  # the page is gone: nothing more to collect
        return []
