"""`manage.py sweep_blobs`: what a crash leaves between storage and database is removed
(orphaned contents, unreferenced rows) or reported (rows whose content is missing)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from blobs.contents import blob_storage, content_name, content_write, contents_listed
from blobs.models import Blob
from blobs.services import blob_store
from blobs.sweep import blobs_sweep
from sandboxes.services.workspaces import sandbox_create, sandbox_file_save
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_NAME = "killed-between-writes"  # its PostgreSQL sessions, by name

# A real process storing a blob, paused (then killed) between the content's write and
# its row's commit.
STORE_AND_PAUSE = """
import sys, time, django
django.setup()
from django.db import transaction
from blobs import services
written = services.content_write
def write_then_pause(digest, stream):
    written(digest, stream)
    print("written", digest, flush=True)
    time.sleep(600)
services.content_write = write_then_pause
with transaction.atomic():
    services.blob_store(sys.argv[1].encode())
"""

# The same, through the service the editor's Save calls.
SAVE_AND_PAUSE = STORE_AND_PAUSE.replace(
    """with transaction.atomic():
    services.blob_store(sys.argv[1].encode())""",
    """from sandboxes.models import Sandbox
from sandboxes.services.workspaces import sandbox_file_save
sandbox_file_save(sandbox=Sandbox.objects.get(pk=sys.argv[2]), path="data.txt",
                  content=sys.argv[1].encode())""",
)


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{auth}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def killed_between_the_writes(script: str, *args: str, storage_url: str) -> str:
    """Run `script` until it prints "written <digest>", SIGKILL it, return the digest."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "STORAGE_URL": storage_url,
        "PYTHONUNBUFFERED": "1",
        "PGAPPNAME": APPLICATION_NAME,
    }
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("written "), f"the process said {line!r}"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=15) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    _wait_for_its_session_to_end()
    return line.split()[1]


def _wait_for_its_session_to_end() -> None:
    """PostgreSQL ends a dead client's session (rolling back its transaction) on its own
    time: the checks after, and dropping the test database, wait for it."""
    if connection.vendor != "postgresql":
        return
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        f"AND application_name = '{APPLICATION_NAME}'"
    )

    def ended() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0] == 0

    wait_for(ended, "the killed process's database session to end")


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_between_the_two_writes_leaves_nothing_after_the_sweep(settings):
    location = settings.STORAGES["blobs"]["OPTIONS"]["location"]

    digest = killed_between_the_writes(
        STORE_AND_PAUSE, "half-stored", storage_url=f"file://{location}"
    )

    assert [d for d, _ in contents_listed()] == [digest]  # written, its row never committed
    assert not Blob.objects.exists()
    call_command("sweep_blobs", "--grace-minutes", "0")
    assert list(contents_listed()) == []
    assert not Blob.objects.exists()


@pytest.mark.django_db
def test_young_orphans_are_left_alone_a_write_may_be_under_way(blob_backend, capsys):
    content_write("a" * 64, io.BytesIO(b"young"))

    call_command("sweep_blobs")

    assert [d for d, _ in contents_listed()] == ["a" * 64]
    assert "removed 0 orphaned contents" in capsys.readouterr().out


@pytest.mark.django_db
def test_old_unreferenced_blobs_are_released(blob_backend):
    blob = blob_store(b"nobody points at me")
    Blob.objects.filter(pk=blob.pk).update(created_at=timezone.now() - timedelta(hours=2))

    call_command("sweep_blobs")

    assert not Blob.objects.exists()
    assert list(contents_listed()) == []


@pytest.mark.django_db
def test_a_dry_run_deletes_nothing(blob_backend, capsys):
    content_write("b" * 64, io.BytesIO(b"orphan"))

    call_command("sweep_blobs", "--grace-minutes", "0", "--dry-run")

    assert [d for d, _ in contents_listed()] == ["b" * 64]
    assert "would remove 1 orphaned contents" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_blob_whose_content_is_missing_is_reported(blob_backend):
    blob = blob_store(b"lost")
    blob_storage().delete(content_name(blob.digest))

    with pytest.raises(CommandError, match="1 blobs have no content"):
        call_command("sweep_blobs")

    assert Blob.objects.filter(pk=blob.pk).exists()  # never deleted: it is evidence


@pytest.mark.django_db(transaction=True)
def test_a_save_killed_between_the_two_writes_leaves_the_sandbox_whole(settings, owner):
    sandbox = sandbox_create(owner=owner, name="Crash", runtime="python")
    before = {f.path: f.read() for f in sandbox.files.all()}
    location = settings.STORAGES["blobs"]["OPTIONS"]["location"]

    digest = killed_between_the_writes(
        SAVE_AND_PAUSE, "never saved", str(sandbox.pk), storage_url=f"file://{location}"
    )

    assert digest in {d for d, _ in contents_listed()}
    sweep = blobs_sweep(grace=timedelta(0))
    assert sweep.orphaned == [digest]
    assert sweep.dangling == [] and sweep.unreferenced == []
    assert {d for d, _ in contents_listed()} == set(Blob.objects.values_list("pk", flat=True))
    assert {f.path: f.read() for f in sandbox.files.all()} == before


@pytest.mark.django_db
def test_contents_files_hold_are_never_swept(sandbox):
    sandbox_file_save(sandbox=sandbox, path="kept.txt", content=b"held")
    Blob.objects.update(created_at=timezone.now() - timedelta(days=1))

    sweep = blobs_sweep(grace=timedelta(0))

    assert sweep.orphaned == sweep.unreferenced == sweep.dangling == []
    assert sandbox.files.get(path="kept.txt").read() == b"held"


@pytest.mark.django_db
def test_a_sweep_before_anything_was_stored_finds_nothing(capsys):
    call_command("sweep_blobs")

    assert "removed 0 orphaned contents and 0 unreferenced blobs" in capsys.readouterr().out
