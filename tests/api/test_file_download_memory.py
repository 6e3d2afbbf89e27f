"""A 100 MB produced file downloads through a real web server (Daphne, started here) with
the server's memory staying flat: its peak RSS grows by a small fraction of the file."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from api.services.tokens import api_token_create
from harness.appserver import DAPHNE, ROOT, free_port
from sandboxes.services.stored_files import execution_files_add
from tests.factories import ExecutionFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

FILE_BYTES = 100 * 1000 * 1000
# The server may hold a few blocks (and its allocator may keep some pages) per download,
# never the file: a growth of a quarter of it fails, as a whole-file read grows by all of it.
GROWTH_RATIO_LIMIT = 0.25


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    auth = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{auth}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for process {pid}")


def download(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    received = 0
    with urllib.request.urlopen(request, timeout=60) as answer:
        while block := answer.read(1024 * 1024):
            received += len(block)
    return received


@pytest.fixture
def server(tmp_path):
    location = settings.STORAGES["blobs"]["OPTIONS"]["location"]
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "STORAGE_URL": f"file://{location}",
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    log = tmp_path / "daphne.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(DAPHNE), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"Daphne exited:\n{log.read_text()}")
            try:
                urllib.request.urlopen(f"{url}/api/openapi.json", timeout=1).close()
            except OSError:
                return False
            return True

        wait_for(answers, "Daphne to answer")
        yield process.pid, url
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_100_mb_produced_file_downloads_with_the_servers_memory_flat(owner, server, tmp_path):
    produced = tmp_path / "big.bin"
    with produced.open("wb") as out:
        block = os.urandom(1024 * 1024)
        for _ in range(FILE_BYTES // len(block)):
            out.write(block)
        out.write(block[: FILE_BYTES % len(block)])
    run = ExecutionFactory(owner=owner)
    with produced.open("rb") as stream:
        execution_files_add(execution=run, files={"big.bin": stream, "small.txt": b"warm-up"})
    token = api_token_create(user=owner, name="download").secret
    pid, url = server
    files = f"{url}/api/executions/{run.pk}/files"

    assert download(f"{files}/small.txt", token) == 7  # imports and threads warmed up
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak starts again from here
    before = memory_kib(pid, "VmRSS")

    assert download(f"{files}/big.bin", token) == FILE_BYTES

    growth = (memory_kib(pid, "VmHWM") - before) * 1024
    print(f"peak RSS grew by {growth / 1e6:.1f} MB for a {FILE_BYTES / 1e6:.0f} MB download")
    assert growth < GROWTH_RATIO_LIMIT * FILE_BYTES
