"""The page scripts take every URL from the page (its json_script config, data attributes,
the server's answers): a path written into a script, or joined to an id there, would break
the day a route changes, and no test of the routes would see it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "static" / "js"

# A comment, or a string or template literal ("...", '...', `...`, escapes included): read
# left to right, so that a quote in a comment or a // in a string is what it is.
TOKEN = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`", re.S
)
# An absolute path ("/runs/", `/api/${id}`), or a path segment joined to a value
# (`${base}${id}/cancel/`, `${scheme}//${host}`).
PATH = re.compile(r"^/[\w$]|\}/|/\$\{")


def url_literals(script: str) -> list[str]:
    """The literals in `script` that build a URL path."""
    literals = [token for token in TOKEN.findall(script) if not token.startswith("/")]
    return [literal for literal in literals if PATH.search(literal[1:-1])]


def test_the_check_finds_paths_written_or_joined_in_a_script():
    script = """
      // Not this one: "/runs/" in a comment, nor `/workspace/main.py`.
      fetch("/runs/" + id);
      const socket = `${scheme}//${location.host}${config.urls.socket}`;
      fetch(`${config.urls.runs}${this.id}/cancel/`);
      const page = `/api/sandbox/${id}`;
    """
    assert url_literals(script) == [
        '"/runs/"',
        "`${scheme}//${location.host}${config.urls.socket}`",
        "`${config.urls.runs}${this.id}/cancel/`",
        "`/api/sandbox/${id}`",
    ]


def test_the_check_allows_urls_from_the_page_and_other_slashes():
    script = r"""
      fetch(run.urls.cancel, { method: "POST" });
      const url = new URL(config.urls.file, location.href);
      const WORKSPACE = "(?:/workspace/)?"; // Python's `File "/workspace/main.py"`
      const FRAME = new RegExp(`(?:file://)?${WORKSPACE}(\\w+)`);
      const type = "text/plain;charset=utf-8";
      const ratio = `${done} / ${total}`;
    """
    assert url_literals(script) == []


@pytest.mark.parametrize("path", sorted(SCRIPTS.glob("*.js")), ids=lambda path: path.name)
def test_a_page_script_builds_no_url_from_a_path(path):
    assert url_literals(path.read_text()) == []
