"""The sandbox list at desktop and phone widths: every row's actions (Open, Rename, Delete)
are on screen and work, a long name wraps inside its row, and the page never scrolls
sideways. (At 390 px the actions were clipped by the list's card.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import SIZES, create_sandbox, screenshot, sign_in

pytestmark = pytest.mark.browser


def inside(box: dict, outer: dict) -> bool:
    return (
        box["x"] >= outer["x"] - 0.5
        and box["y"] >= outer["y"] - 0.5
        and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5
        and box["y"] + box["height"] <= outer["y"] + outer["height"] + 0.5
    )


@pytest.mark.parametrize("size", SIZES)
def test_every_rows_actions_are_on_screen_and_work(page, tmp_path, size):
    width = SIZES[size]["width"]
    page.set_viewport_size(SIZES[size])
    sign_in(page)
    long_name = f"Quarterly revenue by region and product line, cleaned ({size})"
    for name in (long_name, f"Invoice parser {size}"):
        create_sandbox(page, name)
    page.goto("/")

    card = page.locator(".list-card")
    rows = page.locator(".sandbox-list tbody tr")
    assert rows.count() >= 2
    for row in rows.all():
        for action in ("Open", "Rename", "Delete"):
            control = row.get_by_text(action, exact=True)
            control.scroll_into_view_if_needed()
            box = control.bounding_box()  # (where the page is scrolled to now)
            assert inside(box, card.bounding_box()) and box["x"] + box["width"] <= width, action
            control.click(trial=True)  # nothing covers it: a tap lands on it
    assert page.evaluate("document.documentElement.scrollWidth") == width
    row = rows.filter(has_text=long_name)
    assert inside(row.locator(".sandbox-name").bounding_box(), row.bounding_box())
    expect(row).to_contain_text("Python 3.13")
    if size == "phone":  # its facts too, not only the name and actions
        expect(row).to_contain_text("1 file")
        expect(row).to_contain_text("Updated")
    if size == "phone":  # (the desktop's: test_files.py's "sandboxes")
        page.locator(".list-card").evaluate("card => card.scrollIntoView()")
        screenshot(page, "sandboxes-phone", tmp_path)

    relay = rows.filter(has_text=f"Invoice parser {size}")
    relay.get_by_text("Rename", exact=True).click()
    field = relay.get_by_role("textbox", name=f"New name for Invoice parser {size}")
    expect(field).to_be_visible()
    field_box = field.bounding_box()
    assert field_box["x"] >= 0 and field_box["x"] + field_box["width"] <= width
    field.fill(f"Invoice parser, renamed ({size})")
    relay.get_by_role("button", name="Save").click()
    renamed = rows.filter(has_text=f"Invoice parser, renamed ({size})")
    expect(renamed).to_be_visible()

    renamed.get_by_text("Delete", exact=True).click()
    expect(page).to_have_url(re.compile(r"/delete/$"))  # its confirmation
