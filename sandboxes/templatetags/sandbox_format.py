from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from quotas.formatting import format_elapsed
from sandboxes import filetypes

register = template.Library()


@register.filter
def run_duration(milliseconds: int | None) -> str:
    """{{ 85|run_duration }} -> "85 ms"; 1234 -> "1.23 s"; 125000 -> "2 min 5 s"."""
    return "—" if milliseconds is None else format_elapsed(milliseconds / 1000)


@register.filter
def preview_kind(path: str) -> str:
    """How the file preview shows `path`: "image", "table" (a CSV file) or "" (it does not)."""
    if filetypes.image_type(path):
        return "image"
    return "table" if filetypes.is_csv(path) else ""


@register.simple_tag
def file_link(file, download: str, table: str = "") -> str:
    """The attributes of a link to a stored file: `download` is its download view's URL,
    `table` its table view's. Pictures and CSV files open in the page's preview dialog
    (static/js/file-preview.js); anything else downloads. Without JavaScript a picture
    downloads and a CSV file opens its table's own page."""
    query = urlencode({"path": file.path})
    download_url = f"{download}?{query}"
    kind = preview_kind(file.path)
    if kind == "table" and table:
        return format_html(
            'href="{}?{}" data-preview="table" data-preview-name="{}" data-preview-download="{}"',
            table, query, file.path, download_url,
        )  # fmt: skip
    if kind == "image":
        return format_html(
            'href="{}" download data-preview="image" data-preview-name="{}" '
            'data-preview-src="{}&amp;inline=1" data-preview-download="{}"',
            download_url, file.path, download_url, download_url,
        )  # fmt: skip
    return format_html('href="{}" download', download_url)
