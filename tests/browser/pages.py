"""What browser tests do on the app's pages: sign in, make a sandbox, type code, read the
console, take screenshots; and the script that records a page's errors and CSP
violations."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from harness.editor import set_code as set_code  # the benchmarks type code the same way

PASSWORD = "a long browser password 42"
# The viewports a layout is tested at, and what each adds to a screenshot's name.
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
SUFFIX = {"desktop": "", "phone": "-phone"}
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


def open_new_sandbox(page: Page, name: str, *, size: str, runtime: str = "Python 3.13") -> None:
    """Signed in at `size` (SIZES), a new sandbox named `name` opened in the editor."""
    page.set_viewport_size(SIZES[size])
    sign_in(page)
    create_sandbox(page, name, runtime=runtime)


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
