"""The editor page as tests and benchmarks drive it in a browser."""

from __future__ import annotations

from playwright.sync_api import Page


def set_code(page: Page, code: str) -> None:
    """Replace the editor's text as if pasted (no auto-indentation on the way)."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
