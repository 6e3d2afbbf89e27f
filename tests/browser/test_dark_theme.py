"""Every page in the dark theme, at desktop and phone widths: no text is unreadable against
what is painted behind it (WCAG AA: 4.5:1, 3:1 for large text). Judged twice: axe-core's
color-contrast rule, and each visible text's computed colour over its backgrounds
(contrast.js), which also judges what axe leaves undecided (the dashboard's SVG labels, text
in a table that scrolls). Each page's screenshot is saved beside the test for review."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.pages import PASSWORD, SIZES, create_sandbox, screenshot, set_code, sign_in

pytestmark = pytest.mark.browser

CONTRAST = (Path(__file__).parent / "contrast.js").read_text()
COLOUR_CONTRAST = {"type": "rule", "values": ["color-contrast"]}
# Shown in docs/screenshots with UPDATE_SCREENSHOTS=1; the rest stay beside the test. Each
# is followed by a new page: a screenshot that hides the caret leaves style="" on the
# focused input, which an HTMX swap would copy, against the CSP.
DOCS = {"dark-run-desktop", "dark-shared-run-phone"}

# The console's colours: the 16 ANSI foregrounds and backgrounds, stderr, a traceback, and
# a file the run wrote (listed beside the output).
PROGRAM = r"""import sys
names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
for bright, base in (("", 30), ("bright ", 90)):
    print(" ".join(f"\x1b[{base + i}m{bright}{name}\x1b[0m" for i, name in enumerate(names)))
    print(" ".join(f"\x1b[{base + 10 + i}m {bright}{name} \x1b[0m" for i, name in enumerate(names)))
print("\x1b[1mbold\x1b[0m \x1b[2mfaint\x1b[0m \x1b[4munderlined\x1b[0m")
open("notes.txt", "w").write("written by the run\n")
print("a warning on stderr", file=sys.stderr)
def fail():
    raise ValueError("the traceback's colours")
fail()
"""

OPERATOR = """
from accounts.models import User
User.objects.create_superuser("night-operator", "night@example.com", {password!r})
"""


@pytest.fixture(scope="module")
def operator(app) -> str:
    app.manage("shell", "-c", OPERATOR.format(password=PASSWORD))
    return "night-operator"


class Night:
    """A page in the dark theme at one size, judging each page it is shown."""

    def __init__(self, page: Page, size: str, tmp_path: Path) -> None:
        self.page, self.size, self.tmp_path = page, size, tmp_path
        self.found: dict[str, list[str]] = {}
        page.emulate_media(color_scheme="dark")
        page.set_viewport_size(SIZES[size])

    @property
    def phone(self) -> bool:
        return self.size == "phone"

    def look(self, name: str, include: list[str] | None = None) -> None:
        """Judge the page (or only `include`, selectors) and keep its screenshot."""
        found = self.page.evaluate(CONTRAST, ", ".join(include) if include else "body")
        for violation in axe_violations(self.page, run_only=COLOUR_CONTRAST, include=include):
            found += [f"axe {node['target']}: {node['summary']}" for node in violation["nodes"]]
        self.found[name] = found
        shot = f"dark-{name}-{self.size}"
        if shot in DOCS:
            screenshot(self.page, shot, self.tmp_path)
        else:
            path = self.tmp_path / f"{shot}.png"
            self.page.screenshot(path=str(path), full_page=True, caret="initial")

    def unreadable(self) -> dict[str, list[str]]:
        return {name: found for name, found in self.found.items() if found}


@pytest.fixture(params=SIZES)
def night(page, request, tmp_path) -> Night:
    return Night(page, request.param, tmp_path)


def run_the_program(page: Page, name: str) -> None:
    """A new sandbox whose run of PROGRAM has ended (failed, as it should)."""
    create_sandbox(page, name)
    set_code(page, PROGRAM)
    page.click("#run-button")
    expect(page.locator(".exit-line")).to_contain_text("Failed")
    expect(page.locator("#run-files .produced-name")).to_have_text("notes.txt")


def test_the_signed_out_pages_read_in_the_dark(night):
    page = night.page
    page.goto("/")
    night.look("landing")
    page.goto("/account/login/")
    night.look("sign-in")
    page.goto("/account/signup/")
    page.fill("#id_username", f"night-{night.size}")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "other")
    page.click("button[type=submit]")
    expect(page.locator(".errorlist").first).to_be_visible()  # the form's errors
    night.look("sign-up-refused")

    assert night.unreadable() == {}


@pytest.mark.sandbox
def test_the_editor_reads_in_the_dark(night):
    page = night.page
    sign_in(page)
    run_the_program(page, f"Night editor {night.size}")
    if night.phone:
        page.click(".phone-tab[data-phone-view=code]")
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("# edited")
    expect(page.locator("#dirty-mark")).to_be_visible()  # and "Unsaved changes" in the bar
    page.click("#find-button")
    expect(page.locator(".cm-search")).to_be_visible()
    night.look("editor-code")
    page.click("[data-modal-open=shortcuts]")
    expect(page.locator("#shortcuts")).to_be_visible()
    night.look("editor-shortcuts")
    page.keyboard.press("Escape")
    if night.phone:
        page.click(".phone-tab[data-phone-view=console]")
    night.look("editor-console")

    if night.phone:
        page.click(".phone-tab[data-phone-view=files]")
    page.fill("#new-file-path", "../outside.py")
    page.click("#files-panel .panel-form button[type=submit]")
    expect(page.locator("#files-panel .errorlist")).to_be_visible()
    page.locator(".file-item[data-path='main.py'] .file-menu summary").click()
    night.look("editor-files")
    page.click("#tab-packages")
    page.fill("#package-spec", "req")
    expect(page.locator(".suggestion-note")).to_be_visible()
    night.look("editor-packages")
    page.click("#tab-variables")
    page.fill(".var-fields input[name=name]", "API_KEY")
    page.fill(".var-fields input[name=value]", "night")
    page.click(".var-fields button")
    page.locator(".var-menu summary").click()
    night.look("editor-variables")
    for panel in ("input", "network", "runs"):
        page.click(f"#tab-{panel}")
        night.look(f"editor-{panel}")

    assert night.unreadable() == {}


@pytest.mark.sandbox
def test_a_run_its_share_and_its_admin_page_read_in_the_dark(night, operator):
    page = night.page
    sign_in(page)
    run_the_program(page, f"Night run {night.size}")
    page.goto(page.locator("#run-link").get_attribute("href"))
    expect(page.locator("#run-files .produced-name")).to_have_text("notes.txt")
    page.click("#share-button")
    share = page.locator("#share-link").input_value()
    page.evaluate("() => window.scrollTo(0, 0)")
    night.look("run")
    page.goto("/runs/")
    night.look("runs")
    page.click(".site-nav >> text=Log out")
    page.goto(share)
    night.look("shared-run")

    sign_in(page, operator)
    page.goto("/admin/sandboxes/execution/")
    page.locator("#result_list tbody a").first.click()  # the newest run: the one above
    expect(page.locator(".ops-output")).to_be_visible()
    # The admin has its own dark theme: only what our stylesheet colours is judged here.
    night.look("admin-execution", include=[".run-status", ".ops-output"])
    page.goto("/operations/")
    expect(page.locator("svg.chart").first).to_be_visible()
    night.look("operations")

    assert night.unreadable() == {}


def test_the_sandboxes_and_account_pages_read_in_the_dark(night):
    page = night.page
    sign_in(page)
    create_sandbox(page, f"Night list {night.size}")
    page.goto("/")
    page.click(".starters summary")
    page.locator(".row-menu summary").first.click()
    night.look("sandboxes")
    page.locator(".sandbox-row a.danger-text").first.click()
    night.look("delete")
    page.goto("/account/")
    page.fill("#id_name", "night laptop")
    page.click("text=Create token")
    night.look("new-token")
    page.goto("/account/")
    night.look("account")

    assert night.unreadable() == {}
