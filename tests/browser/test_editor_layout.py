"""The editor page keeps to the window: a long line of code scrolls inside the editor and
never widens the page, which pushed the console's pane of produced files (the images a
run wrote) out of sight."""

from __future__ import annotations

import pytest

from tests.browser.conftest import create_sandbox, set_code, sign_in

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
