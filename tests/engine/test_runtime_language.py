"""A runtime's language and its entry file, known from its id or alias alone (a past
run's runtime may no longer be installed)."""

from __future__ import annotations

import pytest

from sandboxes.engine import InvalidSpec
from sandboxes.engine.runtimes import entry_file, language_of


@pytest.mark.parametrize(
    ("runtime", "language"),
    [("python", "python"), ("python3.12", "python"), ("node", "node"), ("node22", "node")],
)
def test_a_runtime_id_or_alias_says_its_language(runtime, language):
    assert language_of(runtime) == language


def test_an_unknown_runtime_is_refused_by_name():
    with pytest.raises(InvalidSpec, match="unknown runtime 'ruby'"):
        language_of("ruby")


@pytest.mark.parametrize(
    ("runtime", "entry"),
    [
        ("python", "main.py"),
        ("python3.12", "main.py"),
        ("node", "index.js"),
        ("node22", "index.js"),
    ],
)
def test_code_given_without_a_file_name_goes_in_its_languages_entry_file(runtime, entry):
    assert entry_file(runtime) == entry
