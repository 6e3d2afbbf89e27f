"""Completion in the code editor, in a real browser: the names the file defines (not only
keywords) in Python, JavaScript and TypeScript, and after a dot the members it uses or
defines; at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import SIZES, SUFFIX, open_new_sandbox, screenshot, set_code

pytestmark = pytest.mark.browser


PYTHON = """\
def total_price(items):
    subtotal = sum(item.price for item in items)
    return subtotal


class Cart:
    tax_rate = 0.2

    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)


cart = Cart()
"""

JAVASCRIPT = """\
const greeting = "hello";
const user = { name: "ada", tier: "pro" };

class Counter {
  count = 0;
  increment() {
    this.count += 1;
  }
}
"""


def labels(page):
    return page.locator(".cm-tooltip-autocomplete .cm-completionLabel")


def offered(page, label: str):
    return labels(page).get_by_text(label, exact=True)


def type_at_end(page, text: str) -> None:
    page.keyboard.press("Escape")  # whatever was offered before
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


@pytest.mark.parametrize("size", SIZES)
def test_python_completes_the_files_names_and_members(page, tmp_path, size):
    open_new_sandbox(page, f"Completion {size}", size=size)
    set_code(page, PYTHON)

    type_at_end(page, "\ntotal_")
    expect(labels(page).first).to_have_text("total_price")  # the file's own, first
    # (Enter takes a suggestion too, once it has been shown for 75 ms: CodeMirror's guard
    # against a fast typist's Enter. A click takes it at once.)
    labels(page).first.click()
    expect(page.locator(".cm-line").last).to_have_text("total_price")

    type_at_end(page, "\ncart.")
    for member in ("items", "add", "tax_rate", "append"):
        expect(offered(page, member)).to_be_visible()
    expect(offered(page, "total_price")).to_have_count(0)  # a name, not a member
    page.keyboard.type("ad")
    expect(labels(page)).to_have_text(["add"])
    screenshot(page, f"editor-completion{SUFFIX[size]}", tmp_path)
    offered(page, "add").click()
    expect(page.locator(".cm-line").last).to_have_text("cart.add")

    type_at_end(page, "\n# subt")  # a comment: nothing offered
    page.keyboard.press("Control+Space")
    expect(labels(page)).to_have_count(0)


@pytest.mark.parametrize("size", SIZES)
def test_javascript_completes_the_files_names_and_nodes_globals(page, size):
    open_new_sandbox(page, f"JS completion {size}", size=size, runtime="Node.js 22")
    set_code(page, JAVASCRIPT)

    type_at_end(page, "\ngree")
    expect(labels(page)).to_have_text(["greeting"])
    type_at_end(page, "\nuser.ti")
    expect(labels(page)).to_have_text(["tier"])
    type_at_end(page, "\nnew Counter().incr")
    expect(labels(page)).to_have_text(["increment"])
    type_at_end(page, "\nconsole.lo")  # Node's globals, members included
    expect(offered(page, "log")).to_be_visible()
    type_at_end(page, "\nproce")
    expect(offered(page, "process")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_typescript_completes_an_interfaces_fields(page, size):
    open_new_sandbox(page, f"TS completion {size}", size=size, runtime="Node.js 22")
    if size == "phone":
        page.click(".phone-tab[data-phone-view=files]")
    page.fill("#new-file-path", "types.ts")
    page.click("#files-panel button:has-text('Add')")
    expect(page.locator("#current-file")).to_have_text("types.ts")
    set_code(page, "interface Point {\n  x: number;\n  label: string;\n}\n"
                   "const origin: Point = { x: 0, label: 'o' };\n")  # fmt: skip

    type_at_end(page, "\norigin.lab")
    expect(labels(page)).to_have_text(["label"])
    type_at_end(page, "\norig")
    expect(labels(page)).to_have_text(["origin"])
