"""The editor page keeps to the window: a long line of code scrolls inside the editor and
never widens the page, which pushed the console's pane of produced files (the images a
run wrote) out of sight."""

from __future__ import annotations

import pytest

from tests.browser.pages import create_sandbox, set_code, sign_in

pytestmark = pytest.mark.browser

WIDTH = 1280


def test_a_long_line_scrolls_inside_the_editor_not_the_page(page):
    sign_in(page)
    create_sandbox(page, "Wide code")
    set_code(page, "total = " + " + ".join(str(n) for n in range(200)) + "\nprint(total)\n")

    assert page.evaluate("document.documentElement.scrollWidth") == WIDTH
    main = page.locator(".main-pane").bounding_box()
    for pane in (".editor-pane", ".console-pane", ".console-body"):
        box = page.locator(pane).bounding_box()
        assert box["x"] + box["width"] <= main["x"] + main["width"] + 0.5, pane
    scroller = page.locator(".cm-scroller")
    assert scroller.evaluate("s => s.scrollWidth > s.clientWidth")  # it scrolls, inside


@pytest.mark.parametrize("width", [1440, WIDTH, 1024, 800])
def test_every_sidebar_tab_is_in_sight_and_clickable(page, width):
    """Six tabs in the sidebar: at any width each one shows whole (a narrow sidebar wraps
    them to a second row), where the Runs tab was once cut off under the editor."""
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page)
    create_sandbox(page, "Tabs")

    sidebar = page.locator(".sidebar").bounding_box()
    tabs = page.locator(".tabs .tab")
    assert tabs.count() == 6
    for tab in tabs.all():
        box = tab.bounding_box()
        assert sidebar["x"] <= box["x"], tab.inner_text()
        assert box["x"] + box["width"] <= sidebar["x"] + sidebar["width"] + 0.5, tab.inner_text()
        assert tab.evaluate("t => t.scrollWidth <= t.clientWidth"), tab.inner_text()
    page.click("#tab-runs")
    assert page.locator("#tab-runs").get_attribute("aria-selected") == "true"


def test_at_phone_width_nothing_widens_the_page(page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    create_sandbox(page, "Phone")

    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.click(".phone-tab[data-phone-view=console]")
    for selector in ("#run-button", "#console-filter", "#copy-console", "#clear-console"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
