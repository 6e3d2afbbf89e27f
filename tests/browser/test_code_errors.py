"""Errors before and after running, in a real browser: syntax errors underlined as you
type; a traceback's `File "helper.py", line 2` and Node's `index.js:3:6` are links that
open that file at that line; a new file is highlighted and iconed for its language at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import create_sandbox, screenshot, set_code, sign_in

pytestmark = pytest.mark.browser

KEYWORD = "rgb(138, 63, 252)"


def add_file(page, path: str) -> None:
    page.fill("#new-file-path", path)
    page.click("#files-panel button:has-text('Add')")
    expect(page.locator("#current-file")).to_have_text(path)


def test_a_syntax_error_is_underlined_as_you_type(page, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page)
    create_sandbox(page, "Typo")
    errors = page.locator(".cm-editor .cm-lintRange-error")
    expect(errors).to_have_count(0)

    set_code(page, 'total = 0\nfor n in range(3):\n    total += n\nprint("total", total\n')
    expect(errors.first).to_be_visible()
    expect(page.locator(".cm-lint-marker-error").first).to_be_visible()
    screenshot(page, "editor-syntax-error", tmp_path)

    page.keyboard.press("Control+End")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("End")
    page.keyboard.type(")")
    expect(errors).to_have_count(0)


def test_a_new_typescript_file_is_highlighted_and_iconed_at_once(page):
    sign_in(page)
    create_sandbox(page, "Types", runtime="Node.js 22")
    add_file(page, "app.ts")

    expect(page.locator("#current-icon")).to_have_class("file-icon lang-typescript")
    set_code(page, "const answer: number = 42;\n")
    keyword = page.locator(".cm-line span", has_text="const")
    expect(keyword).to_have_css("color", KEYWORD)
    set_code(page, "const answer: number = ;\n")
    expect(page.locator(".cm-lintRange-error").first).to_be_visible()


@pytest.mark.sandbox
def test_a_python_traceback_opens_the_file_at_its_line(page, tmp_path):
    sign_in(page)
    create_sandbox(page, "Traceback")
    add_file(page, "helper.py")
    set_code(page, "def boom():\n    raise ValueError('boom')\n")
    page.click(".file-open[data-open-file='main.py']")
    set_code(page, "import helper\n\nhelper.boom()\n")

    page.click("#run-button")
    expect(page.locator("#run-status")).to_have_text("Failed", timeout=30_000)
    frame = page.locator("#console-output .trace-link[data-path='helper.py']")
    expect(frame).to_have_text('File "/workspace/helper.py", line 2')
    expect(page.locator("#console-output .trace-link[data-path='main.py']")).to_have_count(1)
    screenshot(page, "editor-traceback", tmp_path)

    frame.click()
    expect(page.locator("#current-file")).to_have_text("helper.py")
    expect(page.locator(".cm-activeLine")).to_have_text("    raise ValueError('boom')")


@pytest.mark.sandbox
def test_a_node_stack_trace_opens_the_file_at_its_line(page):
    sign_in(page)
    create_sandbox(page, "Stack", runtime="Node.js 22")
    set_code(page, "const user = null;\n\nconsole.log(user.name);\n")

    page.click("#run-button")
    expect(page.locator("#run-status")).to_have_text("Failed", timeout=30_000)
    frame = page.locator("#console-output .trace-link[data-path='index.js']").last
    expect(frame).to_contain_text("index.js:3")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+Home")

    frame.click()
    expect(page.locator(".cm-activeLine")).to_have_text("console.log(user.name);")
