"""Numbers read from requests: ASCII digits only.

`str.isdigit()` is true for "²" and "١٢", which `int()` then refuses (a 500) or reads as
a number no client meant; `\\d` in a regex matches Arabic-Indic digits too. Every place
that reads a number from a query, a header or an id goes through here.
"""

from __future__ import annotations

# Past this many digits a number cannot be a count, an id or a byte size (and would not
# fit the database's 64-bit integers).
MAX_DIGITS = 18


def ascii_int(text: str | None) -> int | None:
    """The whole number `text` spells in ASCII digits (no sign, space or underscore), or
    None if it spells anything else."""
    if not text or len(text) > MAX_DIGITS or not text.isascii() or not text.isdigit():
        return None
    return int(text)
