"""Storing and downloading a 100 MB produced file, on the filesystem backend and on an
S3-compatible server, against `cp` of the same file (the baseline, measured in this run).

    .venv/bin/python bench/file_storage.py [--megabytes 100] [--repeat 3]

- store: `execution_files_add`, the service a finished run's files go through (SHA-256
  of the file, its content written to storage, the rows);
- download: `GET /api/executions/<id>/files/<path>` from a real Daphne server started
  here, read to the end by an HTTP client on this machine;
- S3: moto's standalone server (`moto[server]`, a subprocess on a free port), so its
  figures include an HTTP round trip per block on loopback, not a network.

Each figure is the median of `--repeat` runs, in a throw-away DATA_DIR and SQLite file.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
sys.path.insert(0, str(ROOT))

# A throw-away DATA_DIR (its SQLite database too), set before Django reads its settings; no
# database, channel layer or storage of the environment's.
FOLDER = Path(tempfile.mkdtemp(prefix="bench-files-"))
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATA_DIR": str(FOLDER / "data"),
    "LOG_LEVEL": "WARNING",
    "LOG_EVENTS_LEVEL": "WARNING",
    "ALLOWED_HOSTS": "127.0.0.1",
}
for name in ("DATABASE_URL", "REDIS_URL", "STORAGE_URL"):
    ENV.pop(name, None)
os.environ.clear()
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

import boto3  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from api.services.tokens import api_token_create  # noqa: E402
from blobs.services import blobs_release  # noqa: E402
from config.storage_url import storage_from_url  # noqa: E402
from sandboxes.models import Execution  # noqa: E402
from sandboxes.services.stored_files import execution_files_add, stored_files_delete  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"{what} exited")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not answer")


def timed(action, *args) -> float:
    began = time.perf_counter()
    action(*args)
    return time.perf_counter() - began


def download(url: str, token: str) -> None:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=300) as answer:
        while answer.read(1024 * 1024):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", "bench@example.com", "bench-password")
    token = api_token_create(user=user, name="bench").secret
    run = Execution.objects.create(
        owner=user, runtime="python3.13", snapshot={}, timeout_seconds=1, status="succeeded"
    )

    size = options.megabytes * 1000 * 1000
    source = FOLDER / "produced.bin"
    with source.open("wb") as out:
        block = os.urandom(1024 * 1024)
        for _ in range(size // len(block)):
            out.write(block)
        out.write(block[: size % len(block)])

    def cp() -> None:
        subprocess.run(["cp", str(source), str(FOLDER / "copy.bin")], check=True)
        os.sync()  # what storage wrote is on its way to disk too: both pay the same

    cp_seconds = statistics.median(timed(cp) for _ in range(options.repeat))

    moto = None
    rows = []
    try:
        for backend in ("filesystem", "s3"):
            if backend == "filesystem":
                url = f"file://{FOLDER / 'blobs'}"
            else:
                port = free_port()
                moto = subprocess.Popen(
                    [str(PYTHON.with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                endpoint = f"http://127.0.0.1:{port}"
                wait_for(f"{endpoint}/moto-api/", moto, "moto_server")
                boto3.client(
                    "s3", endpoint_url=endpoint, region_name="us-east-1",
                    aws_access_key_id="bench", aws_secret_access_key="bench",
                ).create_bucket(Bucket="bench")  # fmt: skip
                url = f"s3://bench:bench@bench/blobs?endpoint_url={endpoint}&region_name=us-east-1"
            storages = {"blobs": storage_from_url(url, data_dir=FOLDER)}
            with override_settings(STORAGES={**settings.STORAGES, **storages}):
                stores = []
                for _ in range(options.repeat):

                    def store() -> None:
                        with source.open("rb") as stream, transaction.atomic():
                            execution_files_add(execution=run, files={"produced.bin": stream})
                        os.sync()

                    stores.append(timed(store))
                    digests = list(run.files.values_list("blob_id", flat=True))
                    stored_files_delete(run.files.all())
                    blobs_release(digests)
                with source.open("rb") as stream, transaction.atomic():
                    execution_files_add(execution=run, files={"produced.bin": stream})
                port = free_port()
                server = subprocess.Popen(
                    [str(PYTHON.with_name("daphne")), "-b", "127.0.0.1", "-p", str(port),
                     "config.asgi:application"],
                    cwd=ROOT, env={**ENV, "STORAGE_URL": url},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                try:
                    wait_for(f"http://127.0.0.1:{port}/api/openapi.json", server, "Daphne")
                    file_url = f"http://127.0.0.1:{port}/api/executions/{run.pk}/files/produced.bin"
                    downloads = [timed(download, file_url, token) for _ in range(options.repeat)]
                finally:
                    server.terminate()
                    server.wait()
                stored_files_delete(run.files.all())
            rows.append((backend, statistics.median(stores), statistics.median(downloads)))
    finally:
        if moto is not None:
            moto.terminate()
            moto.wait()

    mb = size / 1e6
    print(f"\n{options.megabytes} MB produced file, median of {options.repeat} "
          f"(cp: {cp_seconds:.2f} s, {mb / cp_seconds:.0f} MB/s)\n")  # fmt: skip
    print("| backend | store | ×cp | download | ×cp |")
    print("|---|---|---|---|---|")
    for backend, store_s, download_s in rows:
        print(
            f"| {backend} | {store_s:.2f} s ({mb / store_s:.0f} MB/s) | {store_s / cp_seconds:.1f} "
            f"| {download_s:.2f} s ({mb / download_s:.0f} MB/s) | {download_s / cp_seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
