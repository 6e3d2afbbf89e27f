"""The signed-out landing page in a real browser: what the product is, its screenshot
loaded, the sign-up link; at desktop and phone widths, with screenshots for review."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_visitor_sees_what_it_is_and_can_sign_up(page, tmp_path, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/")

    expect(page.locator("h1")).to_contain_text("Run Python and Node.js code safely")
    shot = page.locator(".hero-shot img")
    expect(shot).to_be_visible()
    assert shot.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    signup = page.locator(".hero-actions a", has_text="Sign up")
    expect(signup).to_be_visible()
    screenshot(page, "landing" if width > 600 else "landing-phone", tmp_path)

    signup.click()
    expect(page).to_have_url(re.compile(r"/account/signup/$"))
