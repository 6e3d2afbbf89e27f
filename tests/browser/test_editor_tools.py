"""The editor's search panel and keyboard-shortcuts sheet in a real browser: the panel finds
and replaces in the app's look (light and dark), opened by Ctrl+F or the Find button; the
sheet opens with `?` outside a text field or with its button, keeps the focus, closes with
Escape, and lists keys that do what it says."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    SIZES,
    SUFFIX,
    create_sandbox,
    open_new_sandbox,
    screenshot,
    set_code,
    sign_in,
)

pytestmark = pytest.mark.browser

SURFACE = {"light": "rgb(255, 255, 255)", "dark": "rgb(28, 32, 41)"}  # --surface
CODE = "total = 0\nfor n in range(3):\n    total += n\nprint(total)\n"


def style(locator, prop: str) -> str:
    return locator.evaluate(f"(e) => getComputedStyle(e).{prop}")


def focus_is_in(page, selector: str) -> bool:
    return page.evaluate(f"document.activeElement.closest({selector!r}) !== null")


@pytest.mark.parametrize("size", SIZES)
def test_the_search_panel_finds_and_replaces_in_the_apps_look(page, tmp_path, size):
    open_new_sandbox(page, f"Find {size}", size=size)
    set_code(page, CODE)

    page.click("#find-button")  # a phone has no Ctrl+F
    panel = page.locator(".cm-panel.cm-search")
    field = panel.locator("input[name=search]")
    expect(field).to_be_focused()
    page.keyboard.type("total")
    expect(page.locator(".cm-searchMatch")).to_have_count(3)
    next_button = panel.get_by_role("button", name="Next")
    assert style(panel, "backgroundColor") == SURFACE["light"]
    assert style(next_button, "borderRadius") == "6px"  # the app's small buttons
    assert style(next_button, "backgroundImage") == "none"  # not CodeMirror's gradient
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert style(panel, "backgroundColor") == SURFACE["dark"]
    assert style(field, "color") == "rgb(228, 231, 238)"  # --text: readable on the dark field
    screenshot(page, f"editor-search{SUFFIX[size]}", tmp_path)
    page.emulate_media(color_scheme="light")

    panel.locator("input[name=replace]").fill("sum_")
    panel.get_by_role("button", name="Replace all").click()
    expect(page.locator(".cm-content")).to_contain_text("sum_ = 0")
    expect(page.locator(".cm-content")).not_to_contain_text("total")
    panel.get_by_role("button", name="Close search").click()
    expect(panel).to_have_count(0)
    if size == "desktop":
        page.locator(".cm-content").click()
        page.keyboard.press("Control+f")
        expect(field).to_be_focused()
        page.keyboard.press("Escape")
        expect(panel).to_have_count(0)


@pytest.mark.parametrize("size", SIZES)
def test_the_shortcuts_sheet_opens_with_question_mark_or_its_button(page, tmp_path, size):
    open_new_sandbox(page, f"Keys {size}", size=size)
    sheet = page.locator("#shortcuts")

    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("# why?")  # in the code, `?` is code
    expect(page.locator(".cm-content")).to_contain_text("# why?")
    expect(sheet).to_be_hidden()

    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    expect(sheet).to_be_visible()
    expect(sheet.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    expect(sheet.get_by_text("Save and run the entry file")).to_be_visible()
    for key in ("Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"):
        page.keyboard.press(key)
        assert focus_is_in(page, "#shortcuts"), key  # the page behind is out of reach
    screenshot(page, f"editor-shortcuts{SUFFIX[size]}", tmp_path)
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()

    button = page.locator(".editor-tools").get_by_role("button", name="Shortcuts")
    button.click()
    expect(sheet).to_be_visible()
    page.keyboard.press("?")  # a second `?` does not open it again over itself
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(button).to_be_focused()  # back where it was opened from


def test_the_sheets_keys_do_what_it_says(page):
    page.set_viewport_size(SIZES["desktop"])
    sign_in(page)
    create_sandbox(page, "Keys do")
    set_code(page, "a = 1\nb = 2\n")
    lines = page.locator(".cm-line")
    page.keyboard.press("Control+Home")

    page.keyboard.press("Control+/")  # comment
    expect(lines.first).to_have_text("# a = 1")
    page.keyboard.press("Control+z")  # undo
    expect(lines.first).to_have_text("a = 1")
    page.keyboard.press("Control+y")  # redo
    expect(lines.first).to_have_text("# a = 1")
    page.keyboard.press("Control+z")
    page.keyboard.press("Alt+ArrowDown")  # move the line down
    expect(lines.nth(0)).to_have_text("b = 2")
    expect(lines.nth(1)).to_have_text("a = 1")
    page.keyboard.press("Control+Shift+k")  # delete it
    expect(page.locator(".cm-content")).not_to_contain_text("a = 1")
    page.keyboard.press("Control+Alt+g")  # go to line: CodeMirror's own small dialog
    expect(page.locator(".cm-panel.cm-dialog input")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nb")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Space")  # suggest
    expect(page.locator(".cm-tooltip-autocomplete")).to_contain_text("bin")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")  # save
    expect(page.locator("#save-state")).to_have_text("All changes saved")
