"""The committed static/vendor/editor.bundle.js, driven in a real Chromium on a page whose
Content-Security-Policy allows no inline scripts or styles (only CodeMirror's nonced <style>)."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.chromium import chromium

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "static"
# The bundle, and the stylesheets that colour the console: the colour variables, then the rules.
SERVED = {"editor.bundle.js": "vendor", "tokens.css": "css", "console.css": "css"}

CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-abc'; img-src 'self' data:"

INDEX_HTML = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="{CSP}">
  <title>Editor bundle</title>
  <link rel="stylesheet" href="tokens.css">
  <link rel="stylesheet" href="console.css">
  <link rel="stylesheet" href="page.css">
  <script src="watch.js"></script>
  <script src="editor.bundle.js" defer></script>
  <script src="page.js" defer></script>
</head>
<body>
  <div id="editor"></div>
  <button id="run" type="button">Run</button>
  <pre id="console"></pre>
</body>
</html>
"""

# Runs first, so that it also sees what the bundle does while it loads.
WATCH_JS = """
window.problems = [];
document.addEventListener("securitypolicyviolation", (e) =>
  problems.push(`CSP ${e.violatedDirective} ${e.blockedURI}`));
window.addEventListener("error", (e) => problems.push(`error ${e.message}`));
"""

PAGE_JS = r"""
window.runs = 0;
window.changes = [];
window.editor = CodeSandboxes.createEditor(document.getElementById("editor"), {
  doc: [
    "def greet(name: str) -> str:",
    "    # Say hello, politely.",
    "    if not name:",
    "        raise ValueError('name is empty')",
    "    return f'Hello, {name}!'",
    "",
    "",
    "for n in range(3):",
    "    print(greet('world'), n * 2, None)",
  ].join("\n"),
  language: "python",
  nonce: "abc",
  onRun: () => { window.runs += 1; },
  onChange: (doc) => { window.changes.push(doc); },
});
document.getElementById("console").innerHTML = CodeSandboxes.ansiToHtml(
  "$ python main.py\n\u001b[32mHello, world!\u001b[0m\n" +
  "\u001b[1;31mTraceback\u001b[0m <b>not bold</b>\n"
);
"""

PAGE_CSS = """
body { font-family: system-ui, sans-serif; margin: 24px; background: #f6f7f9; }
#editor { height: 220px; border: 1px solid #dde1e8; border-radius: 8px; overflow: hidden; }
#console { background: #0f172a; color: #e2e8f0; padding: 12px; border-radius: 8px; }
"""


def write_test_page(directory: Path) -> None:
    """The test page plus the vendored files it loads, all served from one directory."""
    for name, folder in SERVED.items():
        shutil.copy(STATIC / folder / name, directory / name)
    files = {"index.html": INDEX_HTML, "watch.js": WATCH_JS, "page.js": PAGE_JS}
    for name, text in {**files, "page.css": PAGE_CSS}.items():
        (directory / name).write_text(text)


@pytest.fixture(scope="module")
def page_url(tmp_path_factory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("editor-page")
    write_test_page(directory)

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser, page_url: str) -> Iterator[Page]:
    page = browser.new_page()
    page.goto(page_url)
    page.wait_for_function("window.editor !== undefined")
    yield page
    page.close()


def content(page: Page):
    return page.locator(".cm-content")


def test_the_editor_renders_with_line_numbers_and_its_nonced_styles(page):
    numbers = page.locator(".cm-lineNumbers .cm-gutterElement").all_inner_texts()
    assert [n for n in numbers if n.strip()][:3] == ["1", "2", "3"]
    assert page.evaluate("getComputedStyle(document.querySelector('.cm-gutters')).display") == (
        "flex"
    )
    assert page.evaluate("[...document.querySelectorAll('style')].map(s => s.nonce)") == ["abc"]
    assert page.evaluate("problems") == []


def test_typing_updates_the_document_and_indents_new_lines(page):
    content(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("x = 1")

    assert page.evaluate("editor.getDoc()").endswith("None)\n    x = 1")
    assert page.evaluate("changes.at(-1)") == page.evaluate("editor.getDoc()")


def test_tab_indents_by_the_languages_unit(page):
    page.evaluate("editor.setDoc('x = 1')")
    content(page).click()
    page.keyboard.press("Tab")
    assert page.evaluate("editor.getDoc()") == "    x = 1"

    page.evaluate("editor.setLanguage('javascript'); editor.setDoc('x = 1')")
    page.keyboard.press("Tab")
    assert page.evaluate("editor.getDoc()") == "  x = 1"


def test_escape_then_tab_moves_focus_out_of_the_editor(page):
    page.evaluate("editor.setDoc('x = 1')")
    content(page).click()
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.id") == "run"
    assert page.evaluate("editor.getDoc()") == "x = 1"


def test_ctrl_enter_calls_on_run_and_inserts_nothing(page):
    doc = page.evaluate("editor.getDoc()")
    content(page).click()
    page.keyboard.press("Control+Enter")

    assert page.evaluate("runs") == 1
    assert page.evaluate("editor.getDoc()") == doc


def test_set_language_switches_the_highlighting(page):
    keyword_colour = "rgb(138, 63, 252)"
    colour_of_const = """[...document.querySelectorAll('.cm-line span')]
        .filter(s => s.textContent === 'const').map(s => getComputedStyle(s).color)"""
    page.evaluate("editor.setDoc('const answer: number = 42')")
    assert keyword_colour not in page.evaluate(colour_of_const)

    page.evaluate("editor.setLanguage('typescript')")
    assert page.evaluate(colour_of_const) == [keyword_colour]

    error = page.evaluate(
        "(() => { try { editor.setLanguage('cobol') } catch (e) { return e.message } })()"
    )
    assert "cobol" in error
    assert page.evaluate("problems") == []


def test_syntax_errors_are_underlined_as_you_type_and_go_when_fixed(page):
    errors = page.locator(".cm-lintRange-error")
    assert errors.count() == 0  # the page's Python parses

    page.evaluate("editor.setDoc('print(\"hi\"\\nx = = 2\\n')")
    errors.first.wait_for()
    assert page.locator(".cm-lint-marker-error").count() >= 1

    page.evaluate("editor.setDoc('print(\"hi\")\\nx = 2\\n')")
    errors.first.wait_for(state="detached")

    page.evaluate("editor.setLanguage('typescript'); editor.setDoc('const x: number = ;')")
    errors.first.wait_for()
    page.evaluate("editor.setLanguage('text'); editor.setDoc('not ( code')")
    errors.first.wait_for(state="detached")
    assert page.evaluate("problems") == []


def test_go_to_line_puts_the_cursor_on_that_line(page):
    page.evaluate("editor.goToLine(3, 5)")

    assert page.locator(".cm-activeLine").inner_text() == "    if not name:"
    page.evaluate("editor.goToLine(999)")  # past the end: the last line
    assert page.locator(".cm-activeLine").inner_text().startswith("    print(greet")


def test_ansi_to_html_uses_classes_and_escapes_html(page):
    html = page.evaluate(r"CodeSandboxes.ansiToHtml('\u001b[31mred\u001b[0m <b>')")
    assert html == '<span class="ansi-red-fg">red</span> &lt;b&gt;'

    bold = page.evaluate(r"CodeSandboxes.ansiToHtml('\u001b[1;38;2;1;2;3mbold\u001b[0m')")
    assert bold == '<span class="ansi-bold" data-fg="010203">bold</span>'


def test_256_colour_and_truecolour_are_painted_within_the_csp(page):
    spans = page.evaluate(r"""(() => {
        const box = document.createElement("pre");
        box.innerHTML = CodeSandboxes.ansiToHtml(
            '\u001b[38;5;208morange\u001b[0m ' +
            '\u001b[38;2;10;20;30;48;2;200;100;50mrgb\u001b[0m \u001b[31mred\u001b[0m');
        document.body.append(box);
        CodeSandboxes.paintAnsi(box);
        return [...box.querySelectorAll("span")].map((s) => [
            s.textContent, getComputedStyle(s).color, getComputedStyle(s).backgroundColor,
            Object.keys(s.dataset).length]);
    })()""")

    assert spans == [
        ["orange", "rgb(255, 135, 0)", "rgba(0, 0, 0, 0)", 0],
        ["rgb", "rgb(10, 20, 30)", "rgb(200, 100, 50)", 0],
        ["red", "rgb(248, 113, 113)", "rgba(0, 0, 0, 0)", 0],
    ]
    assert page.evaluate("problems") == []


def test_ansi_classes_are_coloured_by_the_console_css(page):
    red = page.locator("#console .ansi-red-fg")
    assert red.inner_text() == "Traceback"
    assert red.evaluate("s => getComputedStyle(s).color") == "rgb(248, 113, 113)"
    assert red.evaluate("s => getComputedStyle(s).fontWeight") == "700"
    assert page.locator("#console b").count() == 0


def test_a_converter_keeps_colour_across_chunks(page):
    html = page.evaluate(r"""(() => {
        const converter = CodeSandboxes.createAnsiConverter();
        return converter.toHtml('\u001b[3') + converter.toHtml('2mgreen') + converter.toHtml('!');
    })()""")
    assert html == '<span class="ansi-green-fg">green</span><span class="ansi-green-fg">!</span>'
