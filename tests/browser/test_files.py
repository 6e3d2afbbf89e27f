"""Files in the browser: uploads the program reads, images it writes, and bad input."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    console_text,
    create_sandbox,
    screenshot,
    set_code,
    sign_in,
)

pytestmark = pytest.mark.browser

# A PNG from plain bytes (no packages yet): a colour gradient, 240 x 120.
WRITE_PNG = r"""import struct
import sys
import zlib

WIDTH, HEIGHT = 240, 120


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


rows = b"".join(
    b"\x00" + bytes(
        channel
        for x in range(WIDTH)
        for channel in (40 + x * 200 // WIDTH, 90 + y * 120 // HEIGHT, 235 - x * 120 // WIDTH)
    )
    for y in range(HEIGHT)
)
header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
png += chunk(b"IEND", b"")

with open("gradient.png", "wb") as out:
    out.write(png)

print("\x1b[1mRendering a gradient\x1b[0m")
for step in ("header", "pixels", "compress"):
    print(f"  \x1b[32m✓\x1b[0m {step}")
print(f"wrote gradient.png ({len(png):,} bytes)")
print("note: no numpy needed", file=sys.stderr)
"""


def test_an_uploaded_file_is_read_by_the_program(page, tmp_path):
    sign_in(page)
    create_sandbox(page, "Reads a CSV")
    data = tmp_path / "scores.csv"
    data.write_text("name,score\nada,91\ngrace,88\n")

    page.set_input_files("#upload-input", str(data))
    page.click("#files-panel button:has-text('Upload')")
    expect(page.locator(".file-item[data-path='scores.csv']")).to_be_visible()

    set_code(page, "rows = open('scores.csv').read().splitlines()[1:]\n"
                   "print('total', sum(int(r.split(',')[1]) for r in rows))\n")  # fmt: skip
    page.click("#run-button")

    expect(page.locator(".exit-line")).to_contain_text("exit code 0")
    assert console_text(page) == "total 179\n"


def test_a_png_the_program_writes_is_shown_on_the_page(page, tmp_path):
    sign_in(page)
    create_sandbox(page, "Gradient chart")
    page.fill("#new-file-path", "notes.md")
    page.click("#files-panel button:has-text('Add')")
    expect(page.locator("#current-file")).to_have_text("notes.md")
    page.click("[data-open-file='main.py']")
    set_code(page, WRITE_PNG)
    page.click("#run-button")

    image = page.locator(".produced img")
    expect(image).to_be_visible()
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [240, 120]
    expect(page.locator(".out-stderr")).to_have_text("note: no numpy needed\n")
    expect(page.locator(".file-item[data-path='gradient.png']")).to_be_visible()
    expect(page.locator("#last-duration")).to_contain_text(" ms")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+Home")
    page.evaluate("document.activeElement.blur()")
    screenshot(page, "editor", tmp_path)

    page.goto("/")
    rows = page.locator(".sandbox-table tbody tr")
    before = rows.count()  # ada's sandboxes from other tests on this server too
    create_sandbox(page, "Webhook relay", runtime="Node.js 22")
    page.goto("/")
    expect(rows).to_have_count(before + 1)
    expect(rows.filter(has_text="Webhook relay")).to_contain_text("Node.js 22")
    expect(rows.filter(has_text="Gradient chart")).to_contain_text("Python 3.13")
    screenshot(page, "sandboxes", tmp_path)


def test_bad_input_is_explained_and_nothing_typed_is_lost(page):
    sign_in(page)
    create_sandbox(page, "Mistakes")
    set_code(page, "print('keep me')\n")
    page.keyboard.press("Control+s")
    expect(page.locator("#save-state")).to_have_text("All changes saved")
    page.reload()
    expect(page.locator(".cm-content")).to_have_text("print('keep me')")

    page.fill("#new-file-path", "../escape.py")
    page.click("#files-panel button:has-text('Add')")
    expect(page.locator("#files-panel .errorlist")).to_contain_text("must not contain '..'")
    expect(page.locator("#new-file-path")).to_have_value("../escape.py")
    expect(page.locator(".cm-content")).to_have_text("print('keep me')")

    set_code(page, "   \n")
    page.click("#run-button")
    expect(page.locator("#run-message")).to_have_text(
        "There is no code to run: the entry file is empty."
    )
    expect(page.locator("#run-button")).to_have_text("Run")
