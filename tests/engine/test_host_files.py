"""A program cannot read the host's files: the project, its database, system secrets."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path

import pytest

from .attacks import NOT_REACHABLE, REPO, OneOf, attempts, node_probe, python_probe

pytestmark = pytest.mark.sandbox
ATTACKS_WITH_NETWORK = True  # each case also with network `internet` (conftest.py)

RUNTIMES = ["python", "node"]


def read_and_list(path: Path, runtime: str) -> str:
    """A program that tries to read `path` as a file and to list it as a folder."""
    if runtime == "python":
        return python_probe(
            "import os\n"
            f"attempt('read', lambda: open({str(path)!r}, 'rb').read()[:200])\n"
            f"attempt('list', lambda: os.listdir({str(path)!r}))\n"
        )
    return node_probe(
        "const fs = require('fs');\n"
        f"await attempt('read', () => fs.readFileSync({json.dumps(str(path))}).subarray(0, 200));\n"
        f"await attempt('list', () => fs.readdirSync({json.dumps(str(path))}));\n"
    )


HOST_PATHS = {
    "the project's settings": REPO / "config" / "settings.py",
    "the project's SQLite database": REPO / "var" / "db.sqlite3",
    "the project's folder": REPO,
    "/etc/shadow": Path("/etc/shadow"),
    "/root": Path("/root"),
    "/work": Path("/work"),
    "the folder of every run's workspace": Path("/var/lib/codesandboxes/scratch"),
}


@pytest.fixture
def existing():
    """existing(path) -> path, made (world-readable, as a careless install would leave it)
    if it is missing: on PostgreSQL the embedded database file does not exist, and a test
    that skips proves nothing."""
    made: list[Path] = []

    def ensure(path: Path) -> Path:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"SQLite format 3\x00 stand-in for the project's database")
            os.chmod(path, 0o644)
            made.append(path)
        return path

    yield ensure
    for path in made:
        path.unlink(missing_ok=True)


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("what", list(HOST_PATHS))
def test_a_program_cannot_read(run, existing, what, runtime):
    path = existing(HOST_PATHS[what])

    outcome = run(read_and_list(path, runtime), runtime)

    assert attempts(outcome.stdout) == {
        "read": OneOf(NOT_REACHABLE),
        "list": OneOf(NOT_REACHABLE),
    }, outcome.stderr


@pytest.fixture
def world_readable_host_file():
    """A file in the host's /tmp that any host user, the sandbox user too, could read."""
    secret = f"host-secret-{secrets.token_hex(8)}"
    with tempfile.NamedTemporaryFile("w", dir="/tmp", prefix="codesandboxes-") as file:
        file.write(secret)
        file.flush()
        os.chmod(file.name, 0o644)
        yield Path(file.name), secret


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_program_cannot_read_a_world_readable_file_in_the_hosts_tmp(
    run, world_readable_host_file, runtime
):
    path, secret = world_readable_host_file

    outcome = run(read_and_list(path, runtime), runtime)

    assert attempts(outcome.stdout) == {
        "read": OneOf(NOT_REACHABLE),
        "list": OneOf(NOT_REACHABLE),
    }, outcome.stderr
    assert secret not in outcome.stdout


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_sandbox_etc_passwd_names_no_host_user(run, runtime):
    host_users = {line.split(":")[0] for line in Path("/etc/passwd").read_text().splitlines()}
    host_users -= {"root", "nobody"}  # on every Linux machine, named where gVisor maps them
    program = {
        "python": "print(open('/etc/passwd').read())",
        "node": "console.log(require('fs').readFileSync('/etc/passwd', 'utf8'))",
    }[runtime]

    outcome = run(program, runtime)

    sandbox_users = {line.split(":")[0] for line in outcome.stdout.splitlines() if ":" in line}
    assert sandbox_users, outcome.stderr
    assert not sandbox_users & host_users
