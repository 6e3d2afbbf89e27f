"""A real S3-compatible server for the storage tests: moto's standalone server (from
PyPI, `moto[server]`), started as a subprocess on a free port and stopped after. The app
reaches it over HTTP through django-storages and boto3, as it would MinIO or AWS S3."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
ACCESS_KEY, SECRET_KEY = "testing", "testing-secret"


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def storage_url(self, bucket: str, prefix: str = "") -> str:
        return (
            f"s3://{ACCESS_KEY}:{SECRET_KEY}@{bucket}/{prefix}"
            f"?endpoint_url={self.endpoint}&region_name=us-east-1"
        )

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def bucket(self, name: str, prefix: str = "") -> S3Bucket:
        self.client().create_bucket(Bucket=name)
        return S3Bucket(self, name, prefix)


@dataclass(frozen=True)
class S3Bucket:
    server: S3Server
    name: str
    prefix: str

    @property
    def storage_url(self) -> str:
        return self.server.storage_url(self.name, self.prefix)

    def object_names(self) -> list[str]:
        answer = self.server.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in answer.get("Contents", []))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def s3_server(log: Path) -> Iterator[S3Server]:
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield S3Server(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
