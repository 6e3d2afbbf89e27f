"""The installer's lines reach the caller while a run prepares; a cached set says so in
one line."""

from __future__ import annotations

import asyncio

import pytest

from sandboxes.engine.engine import CACHED_LINE

from .package_helpers import fresh_engine, package_spec

pytestmark = [pytest.mark.sandbox, pytest.mark.network]


def prepare(engine, spec) -> list[tuple[str, bytes]]:
    lines: list[tuple[str, bytes]] = []

    async def go():
        try:
            failed = await engine.prepare_packages(spec, lambda s, d: lines.append((s, d)))
            assert failed is None
        finally:
            await engine.aclose()

    asyncio.run(go())
    return lines


@pytest.mark.parametrize(("language", "package"), [("python", "six"), ("node", "is-number@7")])
def test_a_cold_install_streams_the_installers_lines_then_a_cached_set_says_one_line(
    language, package
):
    with fresh_engine() as engine:
        spec = package_spec("print(1)", (package,), runtime=language)

        cold = prepare(engine, spec)
        cached = prepare(engine, spec)

    assert cold and {stream for stream, _ in cold} == {"install"}
    assert all(line.endswith(b"\n") and line.strip() for _, line in cold)
    assert CACHED_LINE not in [line for _, line in cold]
    assert cached == [("install", CACHED_LINE)]
