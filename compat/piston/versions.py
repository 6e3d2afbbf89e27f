"""Piston's `version`: "*", an exact version, or a semver range ("3.x", "^22", ">=3.12 <3.14",
"3.12 || 3.13"), matched as npm's semver matches it (no pre-release versions exist here)."""

from __future__ import annotations

import re

Version = tuple[int, int, int]
COMPARATOR = re.compile(
    r"^(>=|<=|>|<|=|\^|~)?v?(\*|x|X|\d+)(?:\.(\*|x|X|\d+))?(?:\.(\*|x|X|\d+))?$"
)
WILDCARDS = {"*", "x", "X"}
HUGE = 1 << 30


def version_parse(text: str) -> Version:
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


def version_satisfies(version: str, wanted: str) -> bool:
    """Whether `version` ("3.13.0") is within `wanted`; an unreadable range matches nothing."""
    current = version_parse(version)
    for alternative in wanted.split("||"):
        comparators = alternative.split()
        if not comparators:
            return True  # "" (as "*")
        bounds = [_bounds(comparator) for comparator in comparators]
        if None in bounds:
            continue
        if all(low <= current < high for low, high in bounds):
            return True
    return False


def _bounds(comparator: str) -> tuple[Version, Version] | None:
    """[low, high) of one comparator, or None if it is not one."""
    match = COMPARATOR.match(comparator)
    if match is None:
        return None
    operator, *parts = match.groups()
    given = [part for part in parts if part is not None]
    if any(part in WILDCARDS for part in given):
        given = given[: next(i for i, part in enumerate(given) if part in WILDCARDS)]
    numbers = [int(part) for part in given]
    low = (*numbers, *[0] * (3 - len(numbers)))
    if len(numbers) == 0:
        return (0, 0, 0), (HUGE, 0, 0)
    # The end of the x-range that a partial version names ("3.12" is 3.12.x).
    next_up = list(numbers)
    next_up[-1] += 1
    x_end = (*next_up, *[0] * (3 - len(next_up)))
    if operator in (None, "="):
        return low, x_end
    if operator == ">=":
        return low, (HUGE, 0, 0)
    if operator == ">":
        return x_end, (HUGE, 0, 0)
    if operator == "<":
        return (0, 0, 0), low
    if operator == "<=":
        return (0, 0, 0), x_end
    if operator == "~":
        return low, (
            (numbers[0] + 1, 0, 0) if len(numbers) == 1 else (numbers[0], numbers[1] + 1, 0)
        )
    # "^": up to the next change of the first non-zero part
    first = next((i for i, number in enumerate(low) if number), len(numbers) - 1)
    first = min(first, len(numbers) - 1)
    caret = list(low[: first + 1])
    caret[-1] += 1
    return low, (*caret, *[0] * (3 - len(caret)))
