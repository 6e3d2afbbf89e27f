"""Request bodies over the limit are refused before the app reads them: by Content-Length
at once (the body unread), and a body without one (chunked) is read only up to the limit.
The API answers with its JSON 413, pages in plain text."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from api.services.tokens import api_token_create
from config.asgi import application
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
OVERSIZED = 40 * MB


class Request:
    """One HTTP request to the ASGI application, counting what the app read of its body."""

    def __init__(self, path: str, chunks: list[bytes], headers: dict[str, str]):
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"localhost")]
            + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        self.chunks = chunks
        self.bytes_read = 0
        self.status = None
        self.headers = {}
        self.body = b""

    async def receive(self):
        if not self.chunks:  # the client waits for the answer
            await asyncio.Event().wait()
        chunk = self.chunks.pop(0)
        self.bytes_read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    async def run(self):
        await application(self.scope, self.receive, self.send)
        return self


def oversized_chunks() -> list[bytes]:
    return [b"x" * MB for _ in range(OVERSIZED // MB)]


async def test_an_api_body_announced_too_large_is_a_json_413_left_unread():
    request = Request("/api/sandbox", oversized_chunks(), {"content-length": str(OVERSIZED)})

    await request.run()

    assert request.status == 413
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {
        "error": "The request body is limited to 10,485,760 bytes.",
        "limit": 10 * MB,
    }
    assert request.bytes_read == 0


async def test_a_chunked_body_is_read_only_up_to_the_limit():
    request = Request("/api/sandbox", oversized_chunks(), {"transfer-encoding": "chunked"})

    await request.run()

    assert request.status == 413
    assert json.loads(request.body)["limit"] == 10 * MB
    assert request.bytes_read <= 11 * MB


async def test_a_page_body_over_its_limit_is_a_plain_413(settings):
    settings.REQUEST_MAX_BODY_BYTES = 5 * MB
    request = Request("/account/login/", oversized_chunks(), {"content-length": str(OVERSIZED)})

    await request.run()

    assert request.status == 413
    assert request.headers["content-type"].startswith("text/plain")
    assert request.body == b"The request body is limited to 5,242,880 bytes."
    assert request.bytes_read == 0


async def test_a_content_length_in_other_digits_is_a_400():
    request = Request("/api/sandbox", [b"{}"], {"content-length": "²"})

    await request.run()

    assert request.status == 400
    assert request.bytes_read == 0


@pytest.mark.django_db(transaction=True)
async def test_a_chunked_body_within_the_limit_reaches_the_api_whole():
    user = await sync_to_async(UserFactory)()
    token = (await sync_to_async(api_token_create)(user=user, name="t")).secret
    body = json.dumps({"code": "print(1)", "runtime": "cobol", "padding": "x" * (3 * MB)})
    chunks = [body[i : i + 100_000].encode() for i in range(0, len(body), 100_000)]
    headers = {"transfer-encoding": "chunked", "authorization": f"Bearer {token}"}
    request = Request("/api/sandbox", chunks, headers | {"content-type": "application/json"})

    await request.run()

    # Refused for its unknown last field: the 3 MB of JSON arrived whole and parsed.
    assert request.status == 400, request.body
    assert json.loads(request.body)["field"] == "padding"


def test_daphne_answers_a_real_oversized_upload_with_the_json_413(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    manage = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    daphne = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(
        [*daphne, "config.asgi:application"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port))
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "daphne did not start"
                time.sleep(0.1)
        with connection:
            head = (
                f"POST /api/sandbox HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {OVERSIZED}\r\n"
                "Connection: close\r\n\r\n"
            )
            connection.sendall(head.encode())
            try:
                for _ in range(OVERSIZED // MB):
                    connection.sendall(b"x" * MB)
            except (BrokenPipeError, ConnectionResetError):
                pass
            answer = b""
            while b"}" not in answer and (chunk := connection.recv(65536)):
                answer += chunk
    finally:
        server.terminate()
        server.wait(timeout=30)

    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 413 " in status_line
    assert json.loads(rest.partition(b"\r\n\r\n")[2])["limit"] == 10 * MB
