"""Real-browser fixtures: the app under Daphne (see server.py) and Debian's chromium.

Every page records its JavaScript errors and Content-Security-Policy violations; a test
fails if its page had any.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.server import AppServer
from tests.chromium import chromium

PASSWORD = "a long browser password 42"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Screenshots the site itself shows (the landing page's picture of the editor).
SITE_PICTURES = {"editor": Path(__file__).resolve().parents[2] / "static" / "img" / "editor.png"}

WATCH_PROBLEMS = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__problems.push(`CSP ${e.violatedDirective} ${e.blockedURI}`));
window.addEventListener("error", (e) => window.__problems.push(`error ${e.message}`));
// Every websocket the page opens, so that a test can drop them.
window.__sockets = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    window.__sockets.push(this);
  }
};
"""

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


def sign_in(page: Page, username: str = "ada", password: str = PASSWORD) -> None:
    page.goto("/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/$"))


def create_sandbox(page: Page, name: str, runtime: str = "Python 3.13") -> None:
    """From the list page: a new sandbox, opened in the editor."""
    page.goto("/")
    page.fill("#id_name", name)
    page.select_option("#id_runtime", label=runtime)
    page.click("text=Create sandbox")
    expect(page.locator(".cm-content")).to_be_visible()


def set_code(page: Page, code: str) -> None:
    """Replace the editor's text as if pasted (no auto-indentation on the way)."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def console_text(page: Page) -> str:
    return page.locator("#console-output").inner_text()


def screenshot(page: Page, name: str, tmp_path: Path) -> Path:
    """Saved beside the test; copied to docs/screenshots (and the site's own copy, if it
    shows one) with UPDATE_SCREENSHOTS=1."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / path.name)
        if name in SITE_PICTURES:
            shutil.copy(path, SITE_PICTURES[name])
    return path
