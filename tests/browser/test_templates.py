"""Templates in a real browser: a newcomer's empty list offers the starters, one click
makes a sandbox with its files and packages set, and it runs as it is; at desktop and
phone widths, with screenshots for review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import PASSWORD, console_text, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_newcomer_starts_from_a_template_with_its_files_and_packages(page, app, tmp_path):
    app.create_user("newcomer", PASSWORD, tier="free")
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, "newcomer")

    cards = page.locator(".empty-state .starter-card")
    expect(cards).to_have_count(7)
    expect(cards.locator(".starter-title")).to_have_text(
        [
            "Sales chart",
            "Iris classifier",
            "API call with axios",
            "TypeScript with zod",
            "Hello world",
            "Read a CSV file",
            "Node HTTP client",
        ]
    )
    screenshot(page, "templates", tmp_path)

    page.click(".starter-card[data-starter=sales-chart]")
    expect(page.locator(".sandbox-title")).to_have_text("Sales chart")
    expect(page.locator("#file-list .file-item")).to_have_count(2)
    expect(page.locator("#file-list .file-path")).to_have_text(["main.py", "sales.csv"])
    expect(page.locator("#package-badge")).to_have_text("2 packages")
    expect(page.locator(".cm-content")).to_contain_text("import pandas as pd")

    # Once there are sandboxes, the New sandbox card keeps the templates a click away.
    page.goto("/")
    expect(page.locator(".empty-state")).to_have_count(0)
    page.click(".starters > summary")
    page.click(".starter-card[data-starter=typescript-zod]")
    expect(page.locator("#current-file")).to_have_text("main.ts")
    expect(page.locator("#entry-name")).to_have_text("main.ts")
    expect(page.locator("#package-badge")).to_have_text("1 package")
    expect(page.locator("#runtime-badge")).to_contain_text("Node.js")


def test_the_templates_fit_a_phone(page, app, tmp_path):
    app.create_user("phone-newcomer", PASSWORD, tier="free")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "phone-newcomer")

    cards = page.locator(".empty-state .starter-card")
    expect(cards).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    for card in cards.all():
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, card.inner_text()
    screenshot(page, "templates-phone", tmp_path)


@pytest.mark.sandbox
def test_the_hello_world_template_runs_as_it_is(page, tmp_path):
    sign_in(page)
    page.goto("/")
    page.locator(".starters > summary, .empty-state").first.click()
    page.click(".starter-card[data-starter=hello-world]")
    expect(page.locator(".sandbox-title")).to_have_text("Hello world")
    expect(page.locator(".cm-content")).to_be_visible()  # the page's scripts are running

    page.click("#run-button")
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=30_000)
    assert "Hello, world!" in console_text(page)
    assert "5 squared is 25" in console_text(page)
