"""Numbers read from requests are ASCII digits, nothing else."""

from __future__ import annotations

import pytest

from config.numbers import ascii_int


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("42", 42), ("007", 7)])
def test_ascii_digits_are_a_number(text, number):
    assert ascii_int(text) == number


@pytest.mark.parametrize(
    "text", [None, "", "²", "١٢", "４２", "-1", "+1", " 1", "1 ", "1_000", "1.0", "9" * 19]
)
def test_anything_else_is_none(text):
    assert ascii_int(text) is None
