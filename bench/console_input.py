"""Typing into a running program from the editor's console: the round trip from Enter to
the program's echo on the page, measured in a browser.

    sudo .venv/bin/python bench/console_input.py [--lines 40] [--headed]

Serves the app with Daphne (a throw-away database, as the browser tests do), signs in with
Debian's chromium and runs a program that echoes each line it reads. The page times each
line with performance.now(): from submitting the console's input line to the moment the
program's echo of it is in the console's DOM. That path is the websocket to the server, the
channel layer to the task running the run, the sandbox's stdin pipe, the program, its
stdout, and the output's way back to the page.

The baseline, measured in the same run: the same echo program as a plain subprocess on this
host, a line written to its stdin pipe and its echo read back (no web, no sandbox).

Goal (issue 14): median under 50 ms on loopback.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.browser_first_output import open_editor, percentile, served_app  # noqa: E402
from harness.editor import set_code  # noqa: E402

ECHO = """import sys
print("ready", flush=True)
for line in sys.stdin:
    print("echo:", line.rstrip("\\n"), flush=True)
"""

# Submits `text` on the console's input line; resolves with the ms until its echo shows.
MEASURE_LINE = """async (text) => {
  const output = document.getElementById("console-output");
  const form = document.getElementById("console-stdin");
  const field = document.getElementById("console-stdin-field");
  const expected = `echo: ${text}\\n`;
  return await new Promise((resolve) => {
    let start = 0;
    const observer = new MutationObserver(() => {
      if (output.textContent.endsWith(expected)) {
        observer.disconnect();
        resolve(performance.now() - start);
      }
    });
    observer.observe(output, { childList: true, subtree: true, characterData: true });
    field.value = text;
    start = performance.now();
    form.requestSubmit();
  });
}"""


def in_browser(url: str, lines: int, headed: bool) -> list[float]:
    with sync_playwright() as playwright:
        page = open_editor(playwright, url, headed=headed)
        set_code(page, ECHO)
        page.click("#run-button")
        page.wait_for_selector("#console-stdin-field", state="visible", timeout=60_000)
        page.wait_for_function(
            "() => document.getElementById('console-output').textContent.includes('ready')"
        )
        for n in range(3):  # warm-up
            page.evaluate(MEASURE_LINE, f"warm-up {n}")
        times = [page.evaluate(MEASURE_LINE, f"line {n}") for n in range(lines)]
        page.locator("#console-stdin-field").press("Control+d")
        page.wait_for_selector(".exit-line", timeout=60_000)
        page.context.browser.close()
        return times


def on_the_host(lines: int) -> list[float]:
    program = subprocess.Popen(
        [sys.executable, "-c", ECHO], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
    )
    assert program.stdout.readline() == b"ready\n"
    times = []
    for n in range(lines + 3):
        start = time.perf_counter()
        program.stdin.write(f"line {n}\n".encode())
        program.stdout.readline()
        if n >= 3:
            times.append((time.perf_counter() - start) * 1000)
    program.stdin.close()
    program.wait()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=40, help="measured lines")
    parser.add_argument("--headed", action="store_true", help="show the browser window")
    args = parser.parse_args()

    with served_app() as url:
        console = in_browser(url, args.lines, args.headed)
    host = on_the_host(args.lines)

    print(f"\nA line typed and its echo, {args.lines} lines after 3 warm-ups (ms)\n")
    print(f"{'':46} {'median':>8} {'p90':>8} {'min':>8}")
    for label, values in (
        ("console: Enter to the echo on the page", console),
        ("baseline: a host subprocess's pipe", host),
    ):
        print(
            f"{label:46} {statistics.median(values):8.2f} {percentile(values, 0.9):8.2f} "
            f"{min(values):8.2f}"
        )
    ratio = statistics.median(console) / statistics.median(host)
    met = "met" if statistics.median(console) < 50 else "NOT met"
    print(f"{'console / baseline (median ratio)':46} {ratio:8.0f}x")
    print(f"goal: median under 50 ms: {met}")


if __name__ == "__main__":
    main()
