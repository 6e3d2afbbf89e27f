from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from channels.layers import channel_layers

from config.storage_url import storage_from_url
from harness.nethosts import NetHosts, nethosts
from quotas import clock as quotas_clock
from quotas.models import Tier
from sandboxes.engine_config import get_engine
from sandboxes.runs import dispatch
from sandboxes.services.workspaces import sandbox_create
from tests.factories import UserFactory, seeded_tier
from tests.s3server import S3Bucket, S3Server, s3_server


@pytest.fixture(scope="session")
def _empty_static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(autouse=True)
def _test_settings(settings, _empty_static_root, tmp_path):
    # The manifest storage needs `collectstatic` first; pages rendered in tests don't
    # (and ServeStatic warns about a missing STATIC_ROOT).
    settings.STATIC_ROOT = _empty_static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        # File contents: a folder of each test's own (never the checkout's var/).
        "blobs": storage_from_url("", data_dir=tmp_path),
    }
    # A deliberately slow hash is pointless in tests and makes every user cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate-limit counters of one test never reach another (nor a server sharing Redis).
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture(scope="session")
def network_hosts() -> NetHosts:
    """Test hosts (HTTP, DNS) in a network namespace of their own (harness/nethosts.py), for
    the session; an engine reaches them with `allow_cidrs` and `dns` as its
    SANDBOX_NETWORK_ALLOW_CIDRS and SANDBOX_NETWORK_DNS. Torn down at the end, also on failure."""
    with nethosts() as hosts:
        yield hosts


@pytest.fixture
def engine_reaches_network_hosts(network_hosts, monkeypatch) -> NetHosts:
    """The app's engine (get_engine()) lets runs with network reach the test hosts, as
    SANDBOX_NETWORK_ALLOW_CIDRS and SANDBOX_NETWORK_DNS would, for this test only."""
    engine = get_engine()
    reaching = dataclasses.replace(
        engine.network_settings, allow_cidrs=network_hosts.allow_cidrs, dns=network_hosts.dns
    )
    monkeypatch.setattr(engine, "network_settings", reaching)
    return network_hosts


@pytest.fixture
def owner(db):
    """The signed-in user a test is about, on the free tier."""
    return UserFactory(username="owner", email="owner@example.com")


@pytest.fixture
def other_user(db):
    """Someone else, whose data the owner must not see or touch."""
    return UserFactory(username="other", email="other@example.com")


@pytest.fixture
def staff_user(db):
    """An operator: staff with every admin permission."""
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def sandbox(owner):
    """The owner's Python sandbox, holding the starter main.py."""
    return sandbox_create(owner=owner, name="Scratch", runtime="python")


@pytest.fixture
def signed_in(client, owner):
    """A client signed in as the owner."""
    client.force_login(owner)
    return client


@pytest.fixture
def tier(db) -> Callable[[str], Tier]:
    """tier("pro") -> the seeded tier of that name (recreated if a test flushed it)."""
    return seeded_tier


class FrozenClock:
    """What quotas.clock.now() returns during a test; move it with advance()."""

    def __init__(self, now: datetime):
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FrozenClock:
    """Freeze the quotas' "now" at a fixed moment (2026-11-29 14:00 UTC)."""
    frozen = FrozenClock(datetime(2026, 11, 29, 14, 0, tzinfo=UTC))
    monkeypatch.setattr(quotas_clock, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def fresh_dispatcher():
    """A new dispatcher (and channel layer) per test: each test has its own event loop."""
    dispatch.get_dispatcher.cache_clear()
    channel_layers.backends.clear()
    yield dispatch.get_dispatcher()
    dispatch.get_dispatcher.cache_clear()
    channel_layers.backends.clear()


@pytest.fixture
async def live_dispatcher(fresh_dispatcher):
    """The dispatcher running executions on this test's loop, as the server's would."""
    fresh_dispatcher.bind(asyncio.get_running_loop())
    await asyncio.sleep(0)  # let it start (and sweep abandoned runs)
    yield fresh_dispatcher
    # This test's loop ends: no run and no launcher may outlive it.
    await fresh_dispatcher.aclose()
    await get_engine().aclose()


@pytest.fixture(scope="session")
def s3(tmp_path_factory) -> S3Server:
    """A real S3-compatible server (moto's standalone server) for the session."""
    with s3_server(tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


@pytest.fixture
def blobs_on_s3(s3, settings) -> S3Bucket:
    """File contents in a fresh bucket of the S3 server, for this test."""
    bucket = s3.bucket(f"blobs-{uuid.uuid4().hex[:12]}", prefix="contents")
    settings.STORAGES = {
        **settings.STORAGES,
        "blobs": storage_from_url(bucket.storage_url, data_dir=Path("/unused")),
    }
    return bucket


@pytest.fixture(params=["filesystem", "s3"])
def blob_backend(request) -> str:
    """Each storage test twice: on the filesystem and on the S3 server."""
    if request.param == "s3":
        request.getfixturevalue("blobs_on_s3")
    return request.param
