"""A malformed run is refused with InvalidSpec before any sandbox starts."""

from __future__ import annotations

import pytest

from sandboxes.engine import InvalidSpec, Limits, RunSpec

from .attacks import make_spec

pytestmark = pytest.mark.sandbox

OK = b"print('hello')\n"

INVALID_SPECS = {
    "a file path with ..": dict(files={"main.py": OK, "../escape.py": OK}),
    "a file path with .. inside": dict(files={"main.py": OK, "lib/../../escape.py": OK}),
    "an absolute file path": dict(files={"main.py": OK, "/etc/cron.d/job": OK}),
    "a file path with a backslash": dict(files={"main.py": OK, "..\\escape.py": OK}),
    "a file path with a NUL byte": dict(files={"main.py": OK, "a\0b.py": OK}),
    "a file path with a right-to-left override": dict(files={"main.py": OK, "exe\u202etxt.py": OK}),
    "a file path with a control character": dict(files={"main.py": OK, "a\x1b[2Jb.py": OK}),
    "a file path with a zero-width space": dict(files={"main.py": OK, "ma\u200bin.py": OK}),
    "a file path with a line separator": dict(files={"main.py": OK, "a\u2028b.py": OK}),
    "an empty file path": dict(files={"main.py": OK, "": OK}),
    "a file path with an empty part": dict(files={"main.py": OK, "lib//x.py": OK}),
    "an entry that is not among the files": dict(files={"other.py": OK}),
    "an entry with ..": dict(files={"main.py": OK}, entry="../main.py"),
    "an environment variable name with a dash": dict(env={"BAD-NAME": "x"}),
    "an environment variable name starting with a digit": dict(env={"1ST": "x"}),
    "an environment variable name with =": dict(env={"A=B": "x"}),
    "an environment variable value with a NUL byte": dict(env={"GOOD": "a\0b"}),
    "an argument with a NUL byte": dict(argv=("a\0b",)),
}


@pytest.mark.parametrize("what", list(INVALID_SPECS))
def test_a_spec_is_refused_for(what):
    fields = {"runtime": "python", "files": {"main.py": OK}, "entry": "main.py"}
    fields.update(INVALID_SPECS[what])

    with pytest.raises(InvalidSpec):
        RunSpec(**fields)


@pytest.mark.parametrize(
    "limit",
    [
        {"timeout_seconds": 0},
        {"cpu_seconds": -1},
        {"memory_bytes": 1024 * 1024},
        {"max_processes": 0},
        {"disk_bytes": 0},
        {"output_bytes": -5},
    ],
)
def test_limits_that_make_no_sense_are_refused(limit):
    with pytest.raises(InvalidSpec):
        Limits(**limit)


def test_an_unknown_runtime_is_refused_naming_the_available_ones(engine, isolation):
    output: list[bytes] = []

    with pytest.raises(InvalidSpec) as refused:
        engine.run_sync(
            make_spec("DISPLAY 1.", "cobol", entry="main.cob", isolation=isolation),
            lambda _s, data: output.append(data),
        )

    message = str(refused.value)
    assert "cobol" in message
    for name in ("python", "node", *engine.runtimes.runtimes):
        assert name in message
    assert output == []
