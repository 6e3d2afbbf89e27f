"""The packages panel in a real browser: one-click popular packages, suggestions while
typing, a refused spec kept in its field, the header's count following along; and (with
the network) a package the next run installs and imports."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    create_sandbox,
    screenshot,
    set_code,
    sign_in,
)

pytestmark = pytest.mark.browser


def open_packages(page) -> None:
    page.click("#tab-packages")
    expect(page.locator("#panel-packages")).to_be_visible()


def test_popular_and_suggested_packages_are_added_and_the_count_follows(page, tmp_path):
    sign_in(page)
    create_sandbox(page, "Data cleaning")
    expect(page.locator("#package-badge")).to_have_text("0 packages")

    page.click("#package-badge")  # the count opens the panel too
    expect(page.locator("#panel-packages")).to_be_visible()
    popular = page.locator(".chip-list")
    page.click(".chip-list button[aria-label='Add numpy']")

    expect(page.locator("#package-badge")).to_have_text("1 package")
    expect(page.locator(".package-list .package-name")).to_have_text(["numpy"])
    expect(popular.locator("button[aria-label='Add numpy']")).to_have_count(0)
    expect(page.locator(".package-head .env-state")).to_have_text("Not installed yet")

    suggestions = page.locator(".suggestion-list .suggestion-name")
    page.locator("#package-spec").press_sequentially("p")
    expect(suggestions.first).to_have_text("pandas")
    expect(page.locator("#package-help")).to_be_hidden()
    page.locator("#package-spec").press_sequentially("and")  # the list follows the text
    expect(suggestions).to_have_text(["pandas"])
    page.locator(".suggestion-list button[aria-label='Add pandas']").click()
    expect(page.locator("#package-badge")).to_have_text("2 packages")
    expect(page.locator(".package-list .package-name")).to_have_text(["numpy", "pandas"])
    expect(page.locator("#package-spec")).to_have_value("")

    page.fill("#package-spec", "matplotlib; rm -rf /")
    page.click("#packages-panel button:has-text('Add')")
    expect(page.locator("#packages-panel .errorlist")).to_contain_text("shell characters")
    expect(page.locator("#package-spec")).to_have_value("matplotlib; rm -rf /")
    expect(page.locator("#package-badge")).to_have_text("2 packages")

    page.fill("#package-spec", "matplotlib>=3.8")
    page.press("#package-spec", "Enter")
    expect(page.locator("#package-badge")).to_have_text("3 packages")
    expect(page.locator("#packages-panel .errorlist")).to_have_count(0)

    page.click("button[aria-label='Remove numpy']")
    expect(page.locator("#package-badge")).to_have_text("2 packages")
    expect(page.locator(".package-list .package-name")).to_have_text(["matplotlib", "pandas"])

    page.reload()  # what was added is kept
    expect(page.locator("#package-badge")).to_have_text("2 packages")


@pytest.mark.network
@pytest.mark.sandbox
def test_a_package_added_in_the_panel_is_installed_by_the_next_run(page, tmp_path):
    sign_in(page)
    create_sandbox(page, "Tiny package")
    open_packages(page)
    page.fill("#package-spec", "six")
    page.press("#package-spec", "Enter")
    expect(page.locator("#package-badge")).to_have_text("1 package")

    set_code(page, "import six\nprint('six', six.__version__)\n")
    page.click("#run-button")

    expect(page.locator(".exit-line")).to_contain_text("exit code 0", timeout=120_000)
    # The program's first line (the installer's lines came before it, in their own style).
    printed = "".join(page.locator("#console-output .out-stdout").all_inner_texts())
    assert printed.startswith("six 1.")
    # After the run the panel says the environment is built, and what it resolved to.
    expect(page.locator(".package-head .env-state")).to_have_text("Ready")
    expect(page.locator(".package-version")).to_contain_text("1.")
    page.mouse.move(900, 300)
    page.evaluate("document.activeElement.blur()")
    screenshot(page, "editor-packages-ready", tmp_path)


@pytest.mark.network
@pytest.mark.sandbox
def test_an_install_failure_is_shown_plainly_in_the_panel(page, tmp_path):
    sign_in(page)
    create_sandbox(page, "Plotting")
    open_packages(page)
    for spec in ("no-such-package-codesandboxes-4242", "six"):
        page.fill("#package-spec", spec)
        page.press("#package-spec", "Enter")
        expect(page.locator(".package-list .package-name", has_text=spec)).to_be_visible()

    page.click("#run-button")

    expect(page.locator("#run-status")).to_have_text("Install failed", timeout=120_000)
    failure = page.locator(".install-error")
    expect(failure).to_contain_text("The last run could not install its packages")
    expect(failure).to_contain_text("points at no-such-package-codesandboxes-4242.")
    expect(failure.locator(".install-log")).to_contain_text("was not found in the package registry")
    expect(page.locator(".package-head .env-state")).to_have_text("Install failed")
    # The console shows the installer's words once: on stderr, not again under the exit line.
    expect(page.locator("#console-output")).to_contain_text("was not found in the package")
    expect(page.locator("#console-end")).not_to_contain_text("was not found")

    # The popular list and the suggestions, with the failure, as a user meets them.
    page.locator("#package-spec").press_sequentially("mat")
    expect(page.locator(".suggestion-list button[aria-label='Add matplotlib']")).to_be_visible()
    page.mouse.move(900, 300)
    page.evaluate("document.activeElement.blur()")  # no caret in the picture
    screenshot(page, "editor-packages", tmp_path)
    # A screenshot leaves style="" on inputs (Playwright hides the caret), which HTMX would
    # copy onto the swapped-in panel against the CSP: go on with a fresh page.
    page.reload()
    open_packages(page)
    expect(page.locator(".install-error")).to_be_visible()

    page.click("button[aria-label='Remove no-such-package-codesandboxes-4242']")
    expect(page.locator(".install-error")).to_contain_text("The list has changed since")
    expect(page.locator(".package-head .env-state")).not_to_have_text("Install failed")
