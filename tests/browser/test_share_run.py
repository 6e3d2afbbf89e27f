"""Sharing a run in a real browser: the owner makes a link, a visitor with no account opens
it (desktop and phone) and sees the code, the output and the chart it wrote; once revoked
the link is gone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import WATCH_PROBLEMS, create_sandbox, screenshot, set_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]

CODE = """import struct, zlib

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

width, height = 48, 24
raw = b"".join(b"\\x00" + b"".join(bytes([x * 5, y * 9, 180]) for x in range(width))
               for y in range(height))
header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header)
png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open("gradient.png", "wb").write(png)
print("wrote gradient.png for the visitors")
"""


def test_a_visitor_opens_a_shared_run_without_an_account(page, browser, app, tmp_path):
    sign_in(page)
    create_sandbox(page, "To share")
    set_code(page, CODE)
    page.click("#run-button")
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=30_000)
    page.goto(page.locator("#run-link").get_attribute("href"))

    page.click("#share-button")
    link = page.locator("#share-link").input_value()
    assert "/shared/" in link

    for width, height, name in ((1440, 900, "shared-run"), (390, 844, "shared-run-phone")):
        visitor = browser.new_context(viewport={"width": width, "height": height})
        visitor.add_init_script(WATCH_PROBLEMS)
        view = visitor.new_page()
        view.goto(link)
        output = view.locator(".console-output")
        expect(output).to_contain_text("wrote gradient.png for the visitors")
        expect(view.locator(".code-view")).to_contain_text('open("gradient.png", "wb")')
        image = view.locator(".shared-produced img")
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth === 48")
        expect(view.locator(".site-nav")).to_contain_text("Sign in")  # not signed in
        assert view.evaluate("document.documentElement.scrollWidth") == width
        screenshot(view, name, tmp_path)
        assert view.evaluate("window.__problems") == []
        visitor.close()

    page.click("#unshare-button")
    expect(page.locator("#share-button")).to_be_visible()
    visitor = browser.new_context()
    assert visitor.new_page().goto(link).status == 404
    visitor.close()
