"""Run history with its code in a real browser: the Runs panel's labels, the run page's
code with a diff against the files now, "Restore these files", and the Runs page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import create_sandbox, screenshot, set_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]


def test_a_past_runs_code_is_shown_compared_and_restored(page, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page)
    create_sandbox(page, "History of code")
    set_code(page, "total = 1 + 1\nprint('total is', total)\n")
    page.click("#run-button")
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=30_000)
    run_url = page.locator("#run-link").get_attribute("href")

    page.click("#tab-runs")
    expect(page.locator("#runs-panel .run-label").first).to_contain_text("main.py total is 2")

    set_code(page, "total = 2 + 2\nprint('total is now', total)\n")
    page.click("#save-button")
    expect(page.locator("#save-state")).to_have_text("All changes saved")

    page.goto(run_url)
    code = page.locator(".run-code .code-file[data-path='main.py']")
    expect(code.locator(".code-state")).to_have_text("changed since")
    expect(code.locator(".code-view")).to_have_text("total = 1 + 1\nprint('total is', total)\n")
    expect(code.locator(".diff-del").first).to_have_text("-total = 1 + 1")
    expect(code.locator(".diff-add").first).to_have_text("+total = 2 + 2")
    screenshot(page, "run-code", tmp_path)

    page.click("#restore-button")
    expect(page.locator(".message-success")).to_have_text("Restored 1 file from this run.")
    expect(page.locator(".cm-content")).to_contain_text("total = 1 + 1")

    page.click(".site-nav a:has-text('Runs')")
    expect(page.locator(".run-row").first).to_contain_text("total is 2")
    page.click(".source-filter a:has-text('HTTP API')")
    expect(page.locator(".source-filter a[aria-current=page]")).to_have_text("HTTP API")
