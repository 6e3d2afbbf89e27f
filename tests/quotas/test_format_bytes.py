"""Sizes read in binary units, the same on the dashboard, in the admin and in commands."""

from __future__ import annotations

import pytest

from quotas.formatting import format_bytes

MIB = 2**20


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (512, "512 B"),
        (1536, "1.5 KiB"),
        (20 * MIB, "20 MiB"),
        (3.25 * 2**30, "3.2 GiB"),
    ],
)
def test_bytes_read_in_binary_units(count, text):
    assert format_bytes(count) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [(512, "512 B"), (3048, "3.0 KiB"), (20 * MIB, "20.0 MiB"), (150 * MIB, "150.0 MiB")],
)
def test_a_column_of_sizes_reads_to_the_tenth(count, text):
    assert format_bytes(count, tenths=True) == text
