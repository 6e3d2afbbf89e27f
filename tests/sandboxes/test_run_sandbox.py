"""`manage.py run_sandbox`: the operator's way to run a program from the shell."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.sandbox


def run_command(*args: str, stdin: bytes = b"") -> tuple[int, str]:
    """Run the command as the shell would; returns (exit code, what it printed on stdout)."""
    out = io.StringIO()
    code = 0
    real_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        call_command("run_sandbox", *args, stdout=out)
    except SystemExit as exit:
        code = exit.code
    finally:
        sys.stdin = real_stdin
    return code, out.getvalue()


@pytest.fixture
def program(tmp_path):
    def program(source: str, name: str = "main.py"):
        path = tmp_path / name
        path.write_text(source)
        return str(path)

    return program


def test_it_prints_a_json_result_with_every_documented_key(program):
    path = program("import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(4)\n")
    code, printed = run_command(path, "--json")
    result = json.loads(printed)
    assert code == 0
    assert set(result) >= {
        "status", "exit_code", "signal", "stdout", "stderr", "duration_ms", "cpu_ms",
        "peak_memory_bytes", "output_truncated", "files",
    }  # fmt: skip
    assert (result["status"], result["exit_code"]) == ("failed", 4)
    assert (result["stdout"], result["stderr"]) == ("out\n", "err\n")


def test_it_exits_with_the_programs_exit_code(program, capfd):
    code, _ = run_command(program("print('hello')\nraise SystemExit(7)\n"))
    assert code == 7
    assert "hello" in capfd.readouterr().out


def test_it_reads_the_program_from_stdin_and_passes_env_and_extra_files(program, tmp_path):
    helper = tmp_path / "helper.js"
    helper.write_text("module.exports = () => 'from helper';")
    source = b"console.log(require('./lib/helper.js')(), process.env.GREETING)"
    code, printed = run_command(
        "-", "--runtime", "node", "--env", "GREETING=hi", "--file", f"lib/helper.js={helper}",
        "--json", stdin=source,
    )  # fmt: skip
    assert json.loads(printed)["stdout"] == "from helper hi\n"


def test_the_timeout_option_stops_a_long_program(program):
    code, printed = run_command(program("while True: pass"), "--timeout", "1", "--json")
    assert json.loads(printed)["status"] == "timed_out"


def test_collect_copies_produced_files_but_never_a_symlink_out(program, tmp_path):
    source = (
        "import os\nos.makedirs('out', exist_ok=True)\n"
        "open('out/report.txt', 'w').write('done')\n"
        "os.symlink('/etc/passwd', 'out/leak')\n"
    )
    target = tmp_path / "collected"
    run_command(program(source), "--collect", str(target), "--json")
    assert (target / "out" / "report.txt").read_text() == "done"
    assert not os.path.lexists(target / "out" / "leak")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "--timeout must be greater than 0"),
        (["--timeout", "soon"], "--timeout must be a number"),
        (["--memory-mb", "-5"], "--memory-mb must be at least 16, got -5"),
        (["--runtime", "ruby"], "unknown runtime 'ruby'"),
        (["--env", "NOVALUE"], "--env expects KEY=VALUE"),
        (["--env", "1BAD=x"], "environment variable name '1BAD'"),
        (["--file", "../escape.py=/etc/hostname"], "must not contain '..'"),
        (["--file", "x.py=/no/such/file"], "cannot read /no/such/file"),
        (["--package", "requests; rm -rf /"], "--package: package .requests; rm -rf /.: shell"),
    ],
)
def test_bad_options_are_a_clear_command_error(program, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("run_sandbox", program("print(1)"), *args)


def test_a_missing_entry_file_is_a_command_error():
    with pytest.raises(CommandError, match="cannot read /no/such/main.py"):
        call_command("run_sandbox", "/no/such/main.py")


def test_stdin_dash_gives_the_program_this_commands_stdin_and_args_its_arguments(program):
    path = program("import sys\nprint(sys.argv[1:], sys.stdin.read().upper())\n")
    code, printed = run_command(
        path, "--json", "--arg=-v", "--arg", "two words", "--stdin", "-", stdin=b"piped in"
    )

    assert code == 0
    assert json.loads(printed)["stdout"] == "['-v', 'two words'] PIPED IN\n"


def test_stdin_from_a_file(program, tmp_path):
    (tmp_path / "input.txt").write_text("3\n4\n")
    path = program("print(sum(int(line) for line in open(0)))\n")
    code, printed = run_command(path, "--json", "--stdin", str(tmp_path / "input.txt"))

    assert json.loads(printed)["stdout"] == "7\n"


def test_stdin_dash_and_the_program_from_stdin_cannot_both_be_asked_for():
    with pytest.raises(CommandError, match="pick one"):
        run_command("-", "--stdin", "-", stdin=b"print(1)")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--cpus", "0", "--cpus must be at least 1, got 0"),
        ("--cpus", "1.5", "--cpus must be a whole number, got '1.5'"),
        ("--cpus", "4096", "--cpus 4096: this host has"),
        ("--memory-mb", "8", "--memory-mb must be at least 16, got 8"),
        ("--disk-mb", "lots", "--disk-mb must be a whole number, got 'lots'"),
        ("--max-processes", "-3", "--max-processes must be at least 1, got -3"),
    ],
)
def test_a_bad_resource_option_is_refused_naming_it(program, option, value, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        run_command(program("print(1)"), f"{option}={value}")


def test_memory_over_the_memory_option_ends_as_out_of_memory(program):
    hog = program("blocks = []\nwhile True:\n    blocks.append(bytearray(8 * 1024 * 1024))\n")

    _, printed = run_command(hog, "--memory-mb", "48", "--json")

    result = json.loads(printed)
    assert result["status"] == "oom_killed"
    assert result["peak_memory_bytes"] <= 48 * 1024 * 1024


def test_the_disk_and_process_options_limit_the_run(program):
    source = (
        "import os\n"
        "try:\n"
        "    open('/tmp/big', 'wb').write(b'x' * 12 * 1024 * 1024)\n"
        "    print('wrote')\n"
        "except OSError as error:\n"
        "    print('disk full', error.errno)\n"
        "import subprocess, sys\n"
        "procs = []\n"
        "try:\n"
        "    for _ in range(40):\n"
        "        sleeper = [sys.executable, '-c', 'import time; time.sleep(5)']\n"
        "        procs.append(subprocess.Popen(sleeper))\n"
        "except OSError:\n"
        "    print('processes refused at', len(procs))\n"
        "for p in procs:\n"
        "    p.kill()\n"
    )
    _, printed = run_command(program(source), "--disk-mb", "8", "--max-processes", "10", "--json")

    stdout = json.loads(printed)["stdout"]
    assert "disk full 28" in stdout
    assert "processes refused at" in stdout
