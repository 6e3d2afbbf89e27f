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
