"""A websocket is admitted only from a page of the site itself: the same scheme, host
and port (or one of CSRF_TRUSTED_ORIGINS), not merely an allowed host name."""

from __future__ import annotations

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.testing import WebsocketCommunicator

from config.origins import SameOriginValidator

# Channels' consumers close stale database connections around every message: on the
# thread an earlier async test used, that is database access.
pytestmark = pytest.mark.django_db


class Accepting(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()


async def opens(origin: str | None, host: str = "localhost:8000", **headers: str) -> bool:
    sent = [(b"host", host.encode())]
    if origin is not None:
        sent.append((b"origin", origin.encode()))
    sent += [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    communicator = WebsocketCommunicator(SameOriginValidator(Accepting.as_asgi()), "/", sent)
    connected, _ = await communicator.connect(timeout=15)
    await communicator.disconnect(timeout=15)
    return connected


async def test_the_sites_own_origin_opens_a_socket():
    assert await opens("http://localhost:8000")


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:9999",  # another port on the same host
        "http://localhost",  # port 80 is another origin than :8000
        "https://localhost:8000",  # another scheme
        "http://127.0.0.1:8000",  # another allowed host is another site
        "https://evil.example",
        "null",
        None,
    ],
)
async def test_any_other_origin_is_refused(origin):
    assert not await opens(origin)


async def test_a_host_not_allowed_is_refused_even_from_its_own_origin():
    assert not await opens("http://evil.example", host="evil.example")


async def test_behind_an_https_proxy_the_https_origin_is_the_sites(settings):
    settings.ALLOWED_HOSTS = ["sandboxes.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    secure = {"x_forwarded_proto": "https"}

    assert await opens("https://sandboxes.example.com", host="sandboxes.example.com", **secure)
    assert not await opens("http://sandboxes.example.com", host="sandboxes.example.com", **secure)


async def test_a_trusted_origin_may_open_one(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://editor.example.com"]

    assert await opens("https://editor.example.com")
    assert not await opens("https://editor.example.com:8443")
