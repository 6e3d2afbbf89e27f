"""The console's tools and the run controls in a real browser: copy, download and filter
the output; 256-colour and 24-bit colours; "Cancelled" said once; Run and Run again
disabled while a run goes and when no runs are left; the quota banner following each run;
a new API token's copy button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    PASSWORD,
    create_sandbox,
    screenshot,
    set_code,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]

SET_RUNS_USED = """
from quotas.models import Quota
Quota.objects.filter(user__username={username!r}).update(runs_used={runs})
"""

COLOURFUL = r"""
for fruit in ["apple pie", "banana bread", "apple crumble", "cherry tart"]:
    print(fruit)
print("\x1b[38;5;208morange 256\x1b[0m \x1b[38;2;10;200;30mtrue green\x1b[0m \x1b[31mred\x1b[0m")
"""


def run_and_wait(page, status: str = "Succeeded") -> None:
    page.click("#run-button")
    expect(page.locator("#run-status")).to_have_text(status, timeout=30_000)


def test_the_output_is_copied_downloaded_and_filtered_with_its_colours(page, tmp_path):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page)
    create_sandbox(page, "Console tools")
    set_code(page, COLOURFUL)
    run_and_wait(page)

    # 256-colour and 24-bit colours, painted without inline style attributes in the markup.
    output = page.locator("#console-output")
    expect(output.get_by_text("orange 256", exact=True)).to_have_css("color", "rgb(255, 135, 0)")
    expect(output.get_by_text("true green", exact=True)).to_have_css("color", "rgb(10, 200, 30)")

    page.fill("#console-filter", "APPLE")
    filtered = page.locator("#console-filtered")
    expect(filtered).to_be_visible()
    expect(page.locator("#console-output")).to_be_hidden()
    expect(filtered.locator(".filtered-line")).to_have_text(["apple pie", "apple crumble"])
    expect(filtered.locator("mark")).to_have_text(["apple", "apple"])
    expect(page.locator("#console-filter-count")).to_have_text("2 of 5 lines")
    screenshot(page, "console-filter", tmp_path)

    page.click("#copy-console")  # a filter on: the lines shown
    expect(page.locator("#copy-console")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "apple pie\napple crumble\n"

    page.press("#console-filter", "Escape")
    expect(page.locator("#console-output")).to_be_visible()
    expect(filtered).to_be_hidden()

    with page.expect_download() as download:
        page.click("#download-console")
    saved = download.value
    assert re.fullmatch(r"run-[0-9a-f]{8}\.txt", saved.suggested_filename)
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert text.startswith("apple pie\nbanana bread\n")
    assert "orange 256 true green red" in text
    assert "\x1b" not in text

    page.click("#copy-console")
    assert "cherry tart" in page.evaluate("navigator.clipboard.readText()")


def test_a_stopped_run_says_cancelled_once_and_run_waits_for_it(page):
    sign_in(page)
    create_sandbox(page, "Stop me")
    set_code(page, "import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    page.click("#run-button")
    expect(page.locator("#run-button")).to_be_disabled()
    page.wait_for_function(
        "() => document.querySelector('#console-output').textContent.includes('started')"
    )

    page.click("#stop-button")
    expect(page.locator("#run-status")).to_have_text("Cancelled", timeout=30_000)
    expect(page.locator("#run-button")).to_be_enabled()
    end = page.locator("#console-end").inner_text()
    assert len(re.findall("cancel", end, flags=re.IGNORECASE)) == 1, end

    page.goto(page.locator("#run-link").get_attribute("href"))
    expect(page.locator("#run-status")).to_have_text("Cancelled")
    expect(page.locator("#console-end .exit-line")).to_contain_text("Cancelled")
    end = page.locator("#console-end").inner_text()
    assert len(re.findall("cancel", end, flags=re.IGNORECASE)) == 1, end


def test_run_and_run_again_are_disabled_when_no_runs_are_left(page, app, tmp_path):
    app.create_user("spender", PASSWORD, tier="free")
    app.manage("shell", "-c", SET_RUNS_USED.format(username="spender", runs=48))
    sign_in(page, "spender")
    create_sandbox(page, "Last runs")
    expect(page.locator("#quota-banner")).to_contain_text("You have used 48 of 50 runs")

    run_and_wait(page)
    # The banner and the stats follow the run without a reload; quota numbers are exact.
    expect(page.locator("#quota-banner")).to_contain_text("You have used 49 of 50 runs")
    expect(page.locator("#quota-runs .stat-value")).to_contain_text("1 of 50")
    expect(page.locator("#quota-compute .stat-value")).to_contain_text(
        re.compile(r"1 h 59 min \d+ s of 2 h")
    )
    expect(page.locator("#run-button")).to_be_enabled()

    run_and_wait(page)
    expect(page.locator("#quota-banner")).to_contain_text("Quota used up: 50 of 50 runs")
    expect(page.locator("#run-button")).to_be_disabled()
    expect(page.locator("#run-button")).to_have_attribute(
        "title", "You have no runs left this period."
    )
    expect(page.locator("#last-duration")).not_to_have_text("—")

    page.reload()
    expect(page.locator("#run-button")).to_be_disabled()
    screenshot(page, "editor-no-runs-left", tmp_path)
    page.goto(page.locator("#run-link").get_attribute("href"))
    expect(page.locator("#rerun-button")).to_be_disabled()
    expect(page.locator("#rerun-button")).to_have_attribute(
        "title", "You have no runs left this period."
    )


def test_run_again_waits_for_the_run_it_started(page):
    sign_in(page)
    create_sandbox(page, "Again")
    code = "import time\nfor n in range(8):\n    print(n, flush=True)\n    time.sleep(0.2)\n"
    set_code(page, code)
    run_and_wait(page)
    page.goto(page.locator("#run-link").get_attribute("href"))
    expect(page.locator("#rerun-button")).to_be_enabled()

    page.click("#rerun-button")
    expect(page.locator("#rerun-button")).to_be_disabled()
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=30_000)
    expect(page.locator("#rerun-button")).to_be_enabled()


@pytest.mark.parametrize("width", [1440, 390])
def test_a_new_api_token_has_a_copy_button(page, width):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page)
    page.goto("/account/")
    page.fill("#id_name", f"laptop {width}")
    page.click("text=Create token")

    secret = page.locator("#api-token").inner_text().strip()
    page.click("#copy-token")
    expect(page.locator("#copy-token")).to_have_text("Copied")
    expect(page.locator("#copy-token-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert page.evaluate("document.documentElement.scrollWidth") == width


def test_a_run_refused_for_concurrency_links_to_the_run_that_is_going(page, app):
    app.create_user("busy", PASSWORD, tier="free")  # one run at a time
    sign_in(page, "busy")
    create_sandbox(page, "Long job")
    set_code(page, "import time\nprint('working', flush=True)\ntime.sleep(60)\n")
    page.click("#run-button")
    expect(page.locator("#run-status")).to_have_text("Running", timeout=30_000)
    going = page.locator("#run-link").get_attribute("href")

    other = page.context.new_page()
    create_sandbox(other, "Second job")
    other.click("#run-button")
    message = other.locator("#run-message")
    expect(message).to_contain_text("Too many runs at once")
    link = message.get_by_role("link", name="Open the run that is going")
    expect(link).to_have_attribute("href", going)
    link.click()
    expect(other.locator("#run-status")).to_have_text("Running")
    other.click("#stop-button")
    expect(other.locator("#run-status")).to_have_text("Cancelled", timeout=30_000)
    other.close()
