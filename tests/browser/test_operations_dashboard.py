"""The operators' dashboard in a real browser: charts drawn, no script or CSP errors, the
date range presets, and the screenshot in docs/screenshots (UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import SCREENSHOTS

pytestmark = pytest.mark.browser

OPERATOR_PASSWORD = "an operator's long password 7"
SEED = f"""
from accounts.models import User
from operations.services import alerts_check
from tests.operations.demo import make_demo_runs
make_demo_runs()
User.objects.create_superuser("operator", "operator@example.com", {OPERATOR_PASSWORD!r})
alerts_check()
"""


@pytest.fixture(scope="module")
def operator(app):
    app.manage("shell", "-c", SEED)
    return "operator"


def sign_in_as_operator(page: Page) -> None:
    page.goto("/account/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", OPERATOR_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".site-nav")).to_contain_text("Operations")


def test_the_dashboard_draws_its_charts(page: Page, operator, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_as_operator(page)

    page.click(".site-nav >> text=Operations")

    expect(page.locator("h1")).to_have_text("Operations")
    expect(page.locator("svg.chart")).to_have_count(6)
    expect(page.locator("svg.chart[aria-label='Network bytes per day']")).to_be_visible()
    expect(page.locator("svg.chart rect.bar").first).to_be_visible()
    expect(page.locator("svg.chart polyline").first).to_be_visible()
    expect(page.locator(".kpi").first).to_contain_text("Runs")
    expect(page.locator(".ranked").first).to_contain_text("grace")
    expect(page.locator("text=No runs in this range")).to_have_count(0)
    path = tmp_path / "operations-dashboard.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / path.name)


def test_a_preset_changes_the_range(page: Page, operator):
    sign_in_as_operator(page)
    page.goto("/operations/")

    page.click(".ops-range >> text=7 days")

    expect(page.locator(".preset[aria-current=true]")).to_have_text("7 days")
    bars = page.locator("svg.chart").first.locator("rect.bar").count()
    assert 7 <= bars <= 7 * 2  # a Python and a Node.js bar a day, at most
