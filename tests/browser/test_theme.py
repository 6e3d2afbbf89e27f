"""The dark theme in a real browser: it follows the system until a theme is chosen with
the header's button, the choice is remembered, and the code editor follows too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import create_sandbox, screenshot, sign_in

pytestmark = pytest.mark.browser

DARK_BG = "rgb(20, 23, 29)"  # --bg
LIGHT_BG = "rgb(246, 247, 249)"


def background(page, selector: str = "body") -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


def test_the_theme_follows_the_system_and_a_choice_is_remembered(page, tmp_path):
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page)
    create_sandbox(page, "Night owl")
    html = page.locator("html")

    expect(html).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_BG
    assert background(page, ".cm-editor") == "rgb(22, 26, 34)"  # the editor too
    toggle = page.locator("#theme-toggle")
    expect(toggle).to_have_text("System theme")
    screenshot(page, "editor-dark", tmp_path)

    toggle.click()  # System -> Dark: the same here
    expect(toggle).to_have_text("Dark theme")
    toggle.click()  # -> Light, though the system is dark
    expect(html).to_have_attribute("data-theme", "light")
    assert background(page) == LIGHT_BG
    assert background(page, ".cm-editor") == "rgb(255, 255, 255)"

    page.reload()  # remembered
    expect(html).to_have_attribute("data-theme", "light")
    expect(page.locator("#theme-toggle")).to_have_text("Light theme")

    page.locator("#theme-toggle").click()  # -> System again: dark
    expect(html).to_have_attribute("data-theme", "dark")
    page.emulate_media(color_scheme="light")  # and it follows the system's change
    expect(html).to_have_attribute("data-theme", "light")


def test_a_visitor_gets_the_systems_theme_on_the_landing_page(page):
    page.emulate_media(color_scheme="dark")
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_BG
