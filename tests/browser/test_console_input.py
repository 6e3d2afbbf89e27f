"""Typing a program's input in the console: lines, end-of-file, replay, and the clock."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import console_text, create_sandbox, set_code, sign_in

pytestmark = pytest.mark.browser

TWO_QUESTIONS = """name = input("Name? ")
colour = input("Colour? ")
print(f"Hello {name}, you like {colour}.")
"""

READ_TO_EOF = """import sys
lines = sys.stdin.readlines()
print(f"{len(lines)} lines, last {lines[-1]!r}")
"""

NODE_READLINE = """const readline = require("readline");
const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => console.log(`echo: ${line}`));
rl.on("close", () => console.log("closed"));
"""


def answer(page, text: str) -> None:
    field = page.locator("#console-stdin-field")
    expect(field).to_be_visible()
    field.fill(text)
    field.press("Enter")


def test_two_input_lines_answered_in_the_console_and_replayed_after_a_reload(page):
    sign_in(page)
    create_sandbox(page, "Questions")
    set_code(page, TWO_QUESTIONS)
    page.click("#run-button")

    expect(page.locator("#console-output")).to_contain_text("Name? ")
    answer(page, "Ada")
    expect(page.locator("#console-output")).to_contain_text("Colour? ")
    answer(page, "green")

    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    expected = "Name? Ada\nColour? green\nHello Ada, you like green.\n"
    assert console_text(page) == expected
    expect(page.locator("#console-stdin")).to_be_hidden()
    # What was typed is in the run's output, where the program got it.
    assert page.locator("#console-output .out-stdin").all_inner_texts() == ["Ada\n", "green\n"]

    page.reload()
    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    assert console_text(page) == expected
    page.click("#run-link")
    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    assert console_text(page) == expected


def test_ctrl_d_ends_the_input(page):
    sign_in(page)
    create_sandbox(page, "Until EOF")
    set_code(page, READ_TO_EOF)
    page.click("#run-button")

    answer(page, "one")
    answer(page, "two")
    page.locator("#console-stdin-field").press("Control+d")

    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    assert console_text(page).endswith("2 lines, last 'two\\n'\n")


def test_a_node_program_reads_lines_with_readline(page):
    sign_in(page)
    create_sandbox(page, "Node lines", runtime="Node.js 22")
    set_code(page, NODE_READLINE)
    page.click("#run-button")

    answer(page, "first")
    expect(page.locator("#console-output")).to_contain_text("echo: first")
    page.locator("#console-stdin-field").press("Control+d")

    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    assert console_text(page) == "first\necho: first\nclosed\n"


def test_the_elapsed_time_ticks_while_the_program_waits(page):
    sign_in(page)
    create_sandbox(page, "Clock")
    set_code(page, 'input("Ready? ")\nprint("done")\n')
    page.click("#run-button")
    expect(page.locator("#console-output")).to_contain_text("Ready? ")
    clock = page.locator("#run-elapsed")
    expect(clock).to_be_visible()
    first = clock.inner_text()

    expect(clock).not_to_have_text(first)  # it moved on by itself

    answer(page, "")
    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    expect(clock).to_be_hidden()
