"""File previews in a real browser: a picture a run wrote, or one in the sandbox's files,
opens full size in a dialog (an SVG as an <img>: its script never runs, it is never put in
the page); a CSV file opens as the table the server parsed, or says why it cannot. The
dialog keeps the focus and closes with Escape; at desktop and phone widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    SIZES,
    SUFFIX,
    WATCH_PROBLEMS,
    create_sandbox,
    screenshot,
    set_code,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]


# A 300 x 150 PNG (no packages), an SVG chart whose script would retitle the page if it ever
# ran, a CSV file with a quoted comma, and one with a broken quote.
WRITE_FILES = r"""import csv
import struct
import zlib

WIDTH, HEIGHT = 300, 150


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


rows = b"".join(
    b"\x00" + bytes(c for x in range(WIDTH) for c in (40 + x * 200 // WIDTH, 90 + y // 2, 200))
    for y in range(HEIGHT)
)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
with open("gradient.png", "wb") as out:
    out.write(png)

bars = "".join(
    f'<rect x="{20 + i * 50}" y="{200 - v}" width="36" height="{v}" fill="#2f5bea"/>'
    for i, v in enumerate([80, 120, 60, 170, 140])
)
with open("chart.svg", "w") as out:
    out.write('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 280 210">'
              f'<script>parent.document.title = "ran"; document.title = "ran"</script>{bars}</svg>')

with open("sales.csv", "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["month", "region", "units"])
    for month in range(1, 13):
        for region in ("north", "south", "east, coast"):
            writer.writerow([f"2024-{month:02}", region, month * 7])
with open("broken.csv", "w") as out:
    out.write('name,note\nada,"never closed\n')
print("wrote 4 files")
"""


def run_writing_files(page, name: str) -> None:
    """A new sandbox whose run writes WRITE_FILES's files, run to its end."""
    sign_in(page)
    create_sandbox(page, name)
    set_code(page, WRITE_FILES)
    page.click("#run-button")
    expect(page.locator(".exit-line")).to_contain_text("exit code 0", timeout=30_000)


def open_preview(page, link):
    link.click()
    dialog = page.locator("#file-preview")
    expect(dialog).to_be_visible()
    return dialog


def close_with_escape(page, link):
    page.keyboard.press("Escape")
    expect(page.locator("#file-preview")).to_be_hidden()
    expect(link).to_be_focused()  # back where it was opened from


@pytest.mark.parametrize("size", SIZES)
def test_a_runs_pictures_and_csv_file_open_in_the_preview(page, tmp_path, size):
    page.set_viewport_size(SIZES[size])
    run_writing_files(page, f"Previews {size}")
    title = page.title()
    produced = page.locator("#run-files")

    png = produced.locator(".produced-name", has_text="gradient.png")
    dialog = open_preview(page, png)
    expect(dialog.locator("#preview-title")).to_have_text("gradient.png")
    image = dialog.locator("img.preview-image")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [300, 150]
    expect(dialog.get_by_role("link", name="Download")).to_have_attribute(
        "href", re.compile(r"/files/\?path=gradient\.png$")
    )
    screenshot(page, f"preview-image{SUFFIX[size]}", tmp_path)
    close_with_escape(page, png)

    svg = produced.locator(".produced-name", has_text="chart.svg")
    dialog = open_preview(page, svg)
    image = dialog.locator("img.preview-image")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0  # drawn
    expect(page.locator("#file-preview svg, main svg")).to_have_count(0)  # never inlined
    assert page.title() == title  # and its script never ran
    close_with_escape(page, svg)

    csv = produced.locator(".produced-name", has_text="sales.csv")
    dialog = open_preview(page, csv)
    table = dialog.locator("table.csv-table")
    expect(table.locator("thead th")).to_have_text(["Row", "month", "region", "units"])
    expect(table.locator("tbody tr")).to_have_count(36)
    expect(table.locator("tbody tr").nth(2)).to_contain_text("east, coast")  # one cell
    expect(dialog.locator(".csv-summary")).to_contain_text("36 rows, 3 columns.")
    for key in ("Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab"):
        page.keyboard.press(key)
        assert page.evaluate("document.activeElement.closest('#file-preview') !== null"), key
    screenshot(page, f"preview-csv{SUFFIX[size]}", tmp_path)
    close_with_escape(page, csv)

    broken = produced.locator(".produced-name", has_text="broken.csv")
    dialog = open_preview(page, broken)
    expect(dialog.get_by_role("alert")).to_have_text(
        "broken.csv is not valid CSV: line 2: unexpected end of data."
    )
    expect(dialog.locator("table")).to_have_count(0)
    page.mouse.click(5, SIZES[size]["height"] - 5)  # beside the dialog: it closes
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("size", SIZES)
def test_the_sandboxes_own_pictures_and_csv_files_open_in_the_preview(page, size):
    page.set_viewport_size(SIZES[size])
    run_writing_files(page, f"Own files {size}")
    if size == "phone":
        page.click(".phone-tab[data-phone-view=files]")
    files = page.locator("#file-list")
    expect(files.locator(".file-item[data-path='gradient.png']")).to_be_visible()

    png = files.get_by_role("link", name="gradient.png")
    dialog = open_preview(page, png)
    expect(dialog.locator("img.preview-image")).to_have_js_property("naturalWidth", 300)
    close_with_escape(page, png)

    table = files.get_by_role("link", name="Show sales.csv as a table")
    dialog = open_preview(page, table)
    expect(dialog.locator("table.csv-table tbody tr")).to_have_count(36)
    close_with_escape(page, table)

    svg = files.get_by_role("link", name="Preview chart.svg")  # it opens in the editor too
    dialog = open_preview(page, svg)
    expect(dialog.locator("img.preview-image")).to_have_attribute("alt", "chart.svg")
    close_with_escape(page, svg)


def test_the_run_page_and_its_share_link_preview_its_files(page, browser):
    page.set_viewport_size(SIZES["desktop"])
    run_writing_files(page, "Run page previews")
    page.click("#run-link")
    expect(page.locator("h1")).to_contain_text("Run of")

    png = page.locator("#run-files .produced-name", has_text="gradient.png")
    dialog = open_preview(page, png)
    expect(dialog.locator("img.preview-image")).to_have_js_property("naturalWidth", 300)
    close_with_escape(page, png)

    page.click("#share-button")
    link = page.locator("#share-link").input_value()
    # Opened in a new tab (or without JavaScript), the table is a page of its own.
    href = page.locator("#run-files .produced-name", has_text="sales.csv").get_attribute("href")
    page.goto(href)
    expect(page.locator("h1")).to_have_text("sales.csv")
    expect(page.locator("table.csv-table tbody tr")).to_have_count(36)

    visitor = browser.new_context(viewport=SIZES["phone"])  # no account
    visitor.add_init_script(WATCH_PROBLEMS)
    view = visitor.new_page()
    view.goto(link)
    csv = view.locator(".shared-produced .produced-name", has_text="sales.csv")
    dialog = open_preview(view, csv)
    expect(dialog.locator("table.csv-table tbody tr")).to_have_count(36)
    close_with_escape(view, csv)
    svg = view.locator(".shared-produced .produced-name", has_text="chart.svg")
    dialog = open_preview(view, svg)
    expect(dialog.locator("img.preview-image")).to_have_js_property("complete", True)
    assert view.title().startswith("Shared run")  # its script never ran
    assert view.evaluate("window.__problems") == []
    visitor.close()
