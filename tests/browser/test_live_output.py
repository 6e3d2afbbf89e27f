"""Running code from the editor page and watching it stream, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import console_text, create_sandbox, set_code, sign_in

pytestmark = pytest.mark.browser

COUNT_SLOWLY = """import time

for i in range({n}):
    print(f"{word} {{i}}", flush=True)
    time.sleep({pause})
"""


def test_a_new_user_signs_up_creates_a_sandbox_and_sees_lines_before_the_program_ends(page):
    page.goto("/account/signup/")
    page.fill("#id_username", "grace")
    page.fill("#id_email", "grace@example.com")
    page.fill("#id_password1", "a long browser password 42")
    page.fill("#id_password2", "a long browser password 42")
    page.click("button[type=submit]")
    page.click("nav >> text=Sandboxes")
    expect(page.locator("text=No sandboxes yet")).to_be_visible()

    create_sandbox(page, "First steps")
    expect(page.locator("#runtime-badge")).to_have_text("Python 3.13")
    expect(page.locator("#quota-runs")).to_contain_text("50 of 50")
    set_code(page, COUNT_SLOWLY.format(n=4, word="line", pause=0.5))
    page.click("#run-button")

    output = page.locator("#console-output")
    expect(output).to_contain_text("line 0")
    # The first line is on the page while the program is still running.
    expect(page.locator("#run-button")).to_have_text("Running…")
    assert "line 3" not in console_text(page)
    expect(page.locator("#stop-button")).to_be_visible()

    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    assert console_text(page) == "line 0\nline 1\nline 2\nline 3\n"
    expect(page.locator("#run-button")).to_have_text("Run")
    expect(page.locator("#stop-button")).to_be_hidden()
    expect(page.locator("#quota-runs")).to_contain_text("49 of 50")
    expect(page.locator("#last-duration")).to_contain_text(re.compile(r"\d(\.\d+)? s"))


def test_stop_ends_a_long_run(page):
    sign_in(page)
    create_sandbox(page, "Long job")
    set_code(page, 'import time\nprint("started", flush=True)\ntime.sleep(30)\nprint("done")\n')
    page.keyboard.press("Control+Enter")
    expect(page.locator("#console-output")).to_contain_text("started")

    page.click("#stop-button")

    expect(page.locator(".exit-line")).to_contain_text("Cancelled", timeout=5_000)
    expect(page.locator("#run-button")).to_have_text("Run")
    assert "done" not in console_text(page)


def test_stop_reaches_the_run_over_http_while_its_socket_is_down(page):
    sign_in(page)
    create_sandbox(page, "Offline stop")
    set_code(page, 'import time\nprint("started", flush=True)\ntime.sleep(30)\nprint("done")\n')
    # The network refuses the run's socket until told otherwise.
    network = {"up": False}
    page.route_web_socket(
        re.compile(r"/ws/executions/"),
        lambda socket: socket.connect_to_server() if network["up"] else socket.close(),
    )
    page.click("#run-button")
    expect(page.locator("#connection")).to_be_visible()  # "Reconnecting…"

    page.click("#stop-button")  # over the run's cancel URL, the page's own
    expect(page.locator("#stop-button")).to_have_text("Stopping…")
    network["up"] = True

    # The socket's next try replays the run: cancelled, and never done.
    expect(page.locator(".exit-line")).to_contain_text("Cancelled", timeout=20_000)
    assert "done" not in console_text(page)


def test_reopening_the_page_mid_run_shows_what_was_already_printed(page):
    sign_in(page)
    create_sandbox(page, "Reopened")
    # Long enough that a loaded machine reloads the page well before the run ends.
    set_code(page, COUNT_SLOWLY.format(n=24, word="tick", pause=0.5))
    page.click("#run-button")
    expect(page.locator("#console-output")).to_contain_text("tick 1")

    page.reload()

    # The earlier lines are replayed, the rest arrives live, each exactly once.
    expect(page.locator("#console-output")).to_contain_text("tick 0")
    expect(page.locator("#run-button")).to_have_text("Running…")
    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0", timeout=60_000)
    assert console_text(page) == "".join(f"tick {i}\n" for i in range(24))


def test_output_resumes_without_a_gap_when_the_socket_drops(page):
    sign_in(page)
    create_sandbox(page, "Flaky network")
    set_code(page, COUNT_SLOWLY.format(n=10, word="n", pause=0.15))
    page.click("#run-button")
    expect(page.locator("#console-output")).to_contain_text("n 2")

    # Close every socket the page has open, as a network drop would.
    page.evaluate("""() => {
        for (const socket of window.__sockets) socket.close();
    }""")

    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    assert console_text(page) == "".join(f"n {i}\n" for i in range(10))


def test_a_past_run_replays_on_its_page_and_runs_again_live(page):
    sign_in(page)
    create_sandbox(page, "History")
    set_code(page, COUNT_SLOWLY.format(n=3, word="step", pause=0.3))
    page.click("#run-button")
    expect(page.locator(".exit-line")).to_contain_text("Finished")

    page.click("#tab-runs")
    page.locator(".run-item").first.click()
    expect(page.locator("#console-output")).to_have_text("step 0\nstep 1\nstep 2\n")
    expect(page.locator("#run-details")).to_contain_text("Succeeded")

    page.click("text=Run again")
    expect(page.locator("#run-status")).to_have_text(re.compile("Queued|Preparing|Running"))
    expect(page.locator("#stop-button")).to_be_visible()
    expect(page.locator(".exit-line")).to_contain_text("Finished · exit code 0")
    assert console_text(page) == "step 0\nstep 1\nstep 2\n"
    expect(page.locator("#run-details")).to_contain_text(re.compile(r"Exit code\s*0"))
    expect(page.locator("#stop-button")).to_be_hidden()


def test_the_console_follows_output_until_the_user_scrolls_up(page):
    sign_in(page)
    create_sandbox(page, "Scrolling")
    set_code(page, "import time\nfor i in range(200):\n    print('early', i)\n"
                   "time.sleep(1.5)\nprint('late')\n")  # fmt: skip
    page.click("#run-button")
    console = page.locator("#console")
    expect(page.locator("#console-output")).to_contain_text("early 199")
    at_bottom = "c => c.scrollHeight - c.scrollTop - c.clientHeight < 24"
    # A function, not an expression: Playwright polls an expression with eval, which the
    # page's Content-Security-Policy refuses.
    page.wait_for_function(f"() => ({at_bottom})(document.getElementById('console'))")

    console.evaluate("c => c.scrollTo(0, 0)")
    expect(page.locator("#console-output")).to_contain_text("late")

    assert console.evaluate("c => c.scrollTop") == 0
    expect(page.locator("#jump-bottom")).to_be_visible()
    page.click("#jump-bottom")
    assert console.evaluate(at_bottom)
    expect(page.locator("#jump-bottom")).to_be_hidden()


def test_a_request_that_gets_no_answer_is_not_a_page_error(page):
    """The run's produced files are fetched when it ends; a page going away (or offline)
    gets no answer, which must not surface as an uncaught error (the page fixture fails
    the test on any)."""
    sign_in(page)
    create_sandbox(page, "No answer")
    set_code(page, "print('done')\n")
    page.route(re.compile(r".*/runs/[0-9a-f-]+/$"), lambda route: route.abort())

    failed = re.compile(r".*/runs/[0-9a-f-]+/$")
    with page.expect_event("requestfailed", lambda request: failed.match(request.url)):
        page.click("#run-button")

    expect(page.locator(".exit-line")).to_contain_text("exit code 0")
    page.evaluate("() => new Promise((done) => setTimeout(done))")  # its handlers have run
