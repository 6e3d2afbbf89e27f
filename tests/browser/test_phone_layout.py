"""The editor at phone width (390 x 844): one pane at a time — Code, Console, Files… —
Run switches to the console, and every sidebar tab is there under Files…"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import console_text, create_sandbox, screenshot, set_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]


def test_code_console_and_files_are_tabs_and_run_shows_the_console(page, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    create_sandbox(page, "Pocket")

    editor, console, sidebar = (
        page.locator(".editor-pane"),
        page.locator(".console-pane"),
        page.locator(".sidebar"),
    )
    expect(editor).to_be_visible()
    expect(console).to_be_hidden()
    expect(sidebar).to_be_hidden()
    run = page.locator("#run-button").bounding_box()
    assert run["y"] + run["height"] < 300  # Run is in reach at the top
    set_code(page, "for n in range(3):\n    print('line', n)\n")
    screenshot(page, "editor-phone-code", tmp_path)

    page.click("#run-button")
    expect(console).to_be_visible()
    expect(editor).to_be_hidden()
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=30_000)
    assert "line 2" in console_text(page)
    box = page.locator("#console-output").bounding_box()
    assert box["y"] < 844  # the output is on screen, not a scroll away
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    screenshot(page, "editor-phone-console", tmp_path)

    page.click(".phone-tab[data-phone-view=files]")
    expect(sidebar).to_be_visible()
    tabs = page.locator(".tabs .tab")
    for tab in tabs.all():
        box = tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390.5, tab.inner_text()
    page.click(".file-open[data-open-file='main.py']")
    expect(editor).to_be_visible()
    expect(page.locator(".phone-tab[data-phone-view=code]")).to_have_attribute(
        "aria-pressed", "true"
    )
