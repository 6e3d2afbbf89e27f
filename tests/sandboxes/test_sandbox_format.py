from __future__ import annotations

import pytest

from sandboxes.filetypes import editor_language, image_type
from sandboxes.templatetags.sandbox_format import run_duration


@pytest.mark.parametrize(
    ("milliseconds", "text"),
    [(None, "—"), (85, "85 ms"), (1234, "1.23 s"), (12_345, "12.3 s"), (60_000, "1 min"),
     (125_000, "2 min 5 s")],
)  # fmt: skip
def test_run_durations_read_naturally(milliseconds, text):
    assert run_duration(milliseconds) == text


@pytest.mark.parametrize(
    ("path", "language"),
    [("main.py", "python"), ("app.mjs", "javascript"), ("lib/x.cjs", "javascript"),
     ("index.ts", "typescript"), ("a.mts", "typescript"), ("notes.TXT", "text"),
     ("Makefile", "text"), ("plot.png", None), ("data.zip", None)],
)  # fmt: skip
def test_the_editor_mode_follows_the_extension(path, language):
    assert editor_language(path) == language


def test_only_images_are_shown_as_images():
    assert image_type("a.PNG") == "image/png"
    assert image_type("b.jpg") == image_type("c.jpeg") == "image/jpeg"
    assert image_type("d.gif") == "image/gif"
    assert image_type("e.svg") == "image/svg+xml"
    assert image_type("f.webp") is None
    assert image_type("g.html") is None
