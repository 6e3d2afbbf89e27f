"""While a run prepares, the installer's lines stream to the console before the
program's first line; a cached set says so in one line."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import console_text, create_sandbox, set_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.sandbox]


@pytest.mark.timeout(300)
def test_install_lines_show_during_a_cold_install_then_cached_in_one_line(page):
    sign_in(page)
    create_sandbox(page, "Cold install")
    page.click("#tab-packages")
    # A set no run has asked for yet (a floor every release is above): built afresh.
    spec = f"six>=0.0.{os.getpid()}{int.from_bytes(os.urandom(2))}"
    page.fill("#package-spec", spec)
    page.press("#package-spec", "Enter")
    expect(page.locator("#package-badge")).to_have_text("1 package")
    set_code(page, "import six\nprint('six', six.__version__)\n")

    page.click("#run-button")

    installing = page.locator("#console-output .out-install")
    expect(installing.first).to_be_visible(timeout=120_000)
    expect(page.locator(".exit-line")).to_contain_text("exit code 0", timeout=120_000)
    text = console_text(page)
    first_install = installing.first.inner_text().strip()
    assert first_install and "(cached)" not in text
    assert text.index(first_install) < text.index("six 1.")
    printed = "".join(page.locator("#console-output .out-stdout").all_inner_texts())
    assert printed.startswith("six 1.")  # print() may reach the page in several parts

    page.click("#run-button")  # the first run's exit line stays until this one's output
    output = page.locator("#console-output")
    expect(output).to_have_text(re.compile(r"^packages ready \(cached\)\nsix 1\."), timeout=60_000)
    expect(installing).to_have_text(["packages ready (cached)\n"])
    expect(page.locator(".exit-line")).to_contain_text("exit code 0", timeout=60_000)
