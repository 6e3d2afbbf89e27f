"""Ordinary programs behave as they would outside a sandbox: exit codes, streams, files."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

pytestmark = pytest.mark.sandbox

EXIT_WITH = {
    "python": "import sys\nprint('exiting')\nsys.exit(CODE)\n",
    "node": "console.log('exiting');\nprocess.exit(CODE);\n",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
@pytest.mark.parametrize("code, status", [(0, "succeeded"), (3, "failed")])
def test_the_exit_code_decides_the_status(run, runtime, code, status):
    outcome = run(EXIT_WITH[runtime].replace("CODE", str(code)), runtime)

    assert outcome.stdout == "exiting\n"
    assert (outcome.status, outcome.result.exit_code, outcome.result.signal) == (
        status,
        code,
        None,
    )
    assert outcome.result.error == ""


def test_a_program_killed_by_a_signal_reports_the_signal(run):
    outcome = run("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")

    assert (outcome.status, outcome.result.signal) == ("failed", 11)


def test_an_uncaught_exception_fails_the_run_with_its_traceback_on_stderr(run):
    outcome = run("print('before')\nraise ValueError('boom')\n")

    assert outcome.status == "failed"
    assert outcome.result.exit_code == 1
    assert outcome.stdout == "before\n"
    assert "ValueError: boom" in outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_stderr_is_kept_apart_from_stdout(run, runtime):
    program = {
        "python": "import sys\nprint('to out')\nprint('to err', file=sys.stderr)\n",
        "node": "console.log('to out');\nconsole.error('to err');\n",
    }[runtime]

    outcome = run(program, runtime)

    assert outcome.stdout == "to out\n"
    assert outcome.stderr == "to err\n"
    assert {stream for stream, _ in outcome.chunks} == {"stdout", "stderr"}


UNICODE = "héllo wörld ✓ 日本語 🐍"

ECHO_UNICODE = {
    "python": """\
import os, sys
print("stdin:", sys.stdin.read())
print("argv:", sys.argv[1])
print("env:", os.environ["GREETING"])
print("file:", open("données/ünï.txt", encoding="utf-8").read())
""",
    "node": """\
const fs = require("fs");
console.log("stdin:", fs.readFileSync(0, "utf8"));
console.log("argv:", process.argv[2]);
console.log("env:", process.env.GREETING);
console.log("file:", fs.readFileSync("données/ünï.txt", "utf8"));
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_unicode_goes_in_and_comes_out_intact(run, runtime):
    outcome = run(
        ECHO_UNICODE[runtime],
        runtime,
        stdin=UNICODE.encode(),
        argv=(UNICODE,),
        env={"GREETING": UNICODE},
        files={"données/ünï.txt": UNICODE.encode()},
    )

    assert outcome.stdout.splitlines() == [
        f"stdin: {UNICODE}",
        f"argv: {UNICODE}",
        f"env: {UNICODE}",
        f"file: {UNICODE}",
    ], outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_binary_output_that_is_not_utf8_is_passed_through_byte_for_byte(run, runtime):
    program = {
        "python": "import sys\nsys.stdout.buffer.write(bytes(range(256)))\n"
        "sys.stderr.buffer.write(b'\\xff\\xfe\\xc3(')\n",
        "node": "process.stdout.write(Buffer.from([...Array(256).keys()]));\n"
        "process.stderr.write(Buffer.from([0xff, 0xfe, 0xc3, 0x28]));\n",
    }[runtime]

    outcome = run(program, runtime)

    assert outcome.status == "succeeded"
    assert b"".join(data for stream, data in outcome.chunks if stream == "stdout") == bytes(
        range(256)
    )
    assert b"".join(data for stream, data in outcome.chunks if stream == "stderr") == (
        b"\xff\xfe\xc3("
    )


def test_a_python_program_imports_a_package_from_a_folder(run):
    outcome = run(
        "from shapes.area import square\nprint(square(7))\n",
        files={
            "shapes/__init__.py": b"",
            "shapes/area.py": b"from .units import scale\n\ndef square(side):\n"
            b"    return scale(side * side)\n",
            "shapes/units.py": b"def scale(value):\n    return f'{value} m2'\n",
        },
    )

    assert outcome.stdout == "49 m2\n", outcome.stderr


def test_a_node_program_requires_a_module_from_a_folder(run):
    outcome = run(
        "const { square } = require('./lib/area.js');\nconsole.log(square(7));\n",
        "node",
        files={
            "lib/area.js": b"const { scale } = require('./units');\n"
            b"exports.square = (side) => scale(side * side);\n",
            "lib/units.js": b"exports.scale = (value) => `${value} m2`;\n",
        },
    )

    assert outcome.stdout == "49 m2\n", outcome.stderr


def test_a_node_es_module_imports_another_es_module(run):
    outcome = run(
        "import { square } from './lib/area.mjs';\nconsole.log(square(7));\n",
        "node",
        entry="main.mjs",
        files={"lib/area.mjs": b"export const square = (side) => `${side * side} m2`;\n"},
    )

    assert outcome.stdout == "49 m2\n", outcome.stderr


READ_STDIN = {
    "python": "import hashlib, sys\ndata = sys.stdin.buffer.read()\n"
    "print(len(data), hashlib.sha256(data).hexdigest())\n",
    "node": "const data = require('fs').readFileSync(0);\n"
    "const digest = require('crypto').createHash('sha256').update(data).digest('hex');\n"
    "console.log(data.length, digest);\n",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_given_stdin_is_read_whole(run, runtime):
    data = bytes(range(256)) * 4096  # 1 MiB, more than a pipe holds

    outcome = run(READ_STDIN[runtime], runtime, stdin=data)

    assert outcome.stdout == f"{len(data)} {hashlib.sha256(data).hexdigest()}\n", outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_empty_stdin_reads_end_of_file_at_once(run, runtime):
    # Were its input left open, the program would wait for the time limit and time out.
    outcome = run(READ_STDIN[runtime], runtime, timeout_seconds=60)

    assert outcome.status == "succeeded"
    assert outcome.stdout == f"0 {hashlib.sha256(b'').hexdigest()}\n", outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_arguments_reach_the_program_in_order(run, runtime):
    program = {
        "python": "import json, sys\nprint(json.dumps(sys.argv[1:]))\n",
        "node": "console.log(JSON.stringify(process.argv.slice(2)));\n",
    }[runtime]
    argv = ("first", "two words", "--flag=x", "", "$HOME")

    outcome = run(program, runtime, argv=argv)

    assert json.loads(outcome.stdout) == list(argv), outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_environment_variables_reach_the_program(run, runtime):
    program = {
        "python": "import os\nprint(os.environ['API_MODE'], os.environ['EMPTY'] == '')\n",
        "node": "console.log(process.env.API_MODE, process.env.EMPTY === '' ? 'True' : 'False');\n",
    }[runtime]

    outcome = run(program, runtime, env={"API_MODE": "test = 1; rm -rf /", "EMPTY": ""})

    assert outcome.stdout == "test = 1; rm -rf / True\n", outcome.stderr


@pytest.mark.parametrize(
    "runtime, program, version",
    [
        ("python3.12", "import platform\nprint(platform.python_version())\n", r"3\.12\.\d+"),
        ("python3.13", "import platform\nprint(platform.python_version())\n", r"3\.13\.\d+"),
        ("node20", "console.log(process.versions.node);\n", r"20\.\d+\.\d+"),
        ("node22", "console.log(process.versions.node);\n", r"22\.\d+\.\d+"),
    ],
)
def test_the_runtime_asked_for_is_the_one_that_runs_and_reports_its_real_version(
    run, engine, runtime, program, version
):
    if runtime not in engine.runtimes.runtimes:
        pytest.skip(f"{runtime} is not installed on this host")

    outcome = run(program, runtime)

    assert re.fullmatch(version, outcome.stdout.strip()), outcome.stderr
    assert outcome.result.runtime_version == outcome.stdout.strip()


DISCARD_INTO_DEV_NULL = {
    "python": """\
import subprocess, sys

with open("/dev/null", "w") as null:
    null.write("gone")
subprocess.run([sys.executable, "-c", "print('gone')"], stdout=subprocess.DEVNULL, check=True)
print("discarded")
""",
    "node": """\
const { spawnSync } = require("child_process");

require("fs").writeFileSync("/dev/null", "gone");
const child = spawnSync(process.execPath, ["-e", "console.log('gone')"], { stdio: "ignore" });
if (child.error) throw child.error;
console.log("discarded");
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_program_can_discard_output_into_dev_null(run, runtime):
    outcome = run(DISCARD_INTO_DEV_NULL[runtime], runtime)

    assert outcome.stdout == "discarded\n", outcome.stderr
    assert outcome.status == "succeeded"
