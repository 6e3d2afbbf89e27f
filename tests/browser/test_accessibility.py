"""An automated accessibility check of the main pages: axe-core (vendored from npm by
frontend/build.mjs) runs in the page, signed out and signed in, at desktop and phone
widths; no serious or critical violation is allowed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.pages import create_sandbox, sign_in

pytestmark = pytest.mark.browser

# WCAG 2.1 A and AA rules and axe's best practices; impacts that fail the test.
RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}


def violations(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(node["target"] for node in v["nodes"][:3])
        for v in axe_violations(page, run_only=RULES)
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [1440, 390])
def test_the_signed_out_pages_have_no_serious_violations(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    for path in ("/", "/account/login/", "/account/signup/"):
        page.goto(path)
        assert violations(page) == [], path


@pytest.mark.parametrize("width", [1440, 390])
def test_the_signed_in_pages_have_no_serious_violations(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page)
    create_sandbox(page, f"Accessible {width}")
    expect(page.locator(".cm-content")).to_be_visible()
    found = {"editor": violations(page)}
    for path in ("/", "/runs/", "/account/"):
        page.goto(path)
        found[path] = violations(page)
    assert found == {"editor": [], "/": [], "/runs/": [], "/account/": []}


def test_the_dark_theme_has_no_serious_violations(page):
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/")
    found = {"landing": violations(page)}
    sign_in(page)
    create_sandbox(page, "Accessible at night")
    found["editor"] = violations(page)
    for path in ("/", "/runs/", "/account/"):
        page.goto(path)
        found[path] = violations(page)
    assert found == {"landing": [], "editor": [], "/": [], "/runs/": [], "/account/": []}


@pytest.mark.parametrize("width", [1440, 390])
def test_the_editors_dialogs_have_no_serious_violations(page, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page)
    create_sandbox(page, f"Accessible dialogs {width}")
    data = tmp_path / "scores.csv"
    data.write_text("name,score\nada,91\ngrace,88\n")
    if width == 390:
        page.click(".phone-tab[data-phone-view=files]")
    page.set_input_files("#upload-input", str(data))
    page.click("#files-panel button:has-text('Upload')")

    page.get_by_role("link", name="Show scores.csv as a table").click()
    expect(page.locator("#file-preview table")).to_be_visible()
    found = {"preview": violations(page)}
    page.keyboard.press("Escape")
    page.keyboard.press("?")  # the focus is back on the table button: no text field
    expect(page.locator("#shortcuts")).to_be_visible()
    found["shortcuts"] = violations(page)
    assert found == {"preview": [], "shortcuts": []}
