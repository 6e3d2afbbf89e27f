"""The one place where Django settings become the engine's configuration."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from sandboxes.engine import Engine, EngineConfig

MiB = 1024 * 1024


def app_endpoints() -> tuple[tuple[str, int], ...]:
    """The app's own PostgreSQL, Redis and web server (address, port): refused to every run,
    even where an operator lifted their range (SANDBOX_NETWORK_ALLOW_CIDRS)."""
    database = settings.DATABASES["default"]
    services = [(database.get("HOST") or "", int(database.get("PORT") or 5432))]
    if settings.REDIS_URL:
        redis = urlsplit(settings.REDIS_URL)
        services.append((redis.hostname or "", redis.port or 6379))
    services.append(("localhost", int(os.environ.get("PORT") or 8000)))
    found = set()
    for host, port in services:
        if not host or host.startswith("/"):
            continue  # a Unix socket: no run can reach it
        with contextlib.suppress(OSError):
            for *_, address in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
                found.add((address[0].split("%")[0], port))
    return tuple(sorted(found))


def engine_config() -> EngineConfig:
    defaults = EngineConfig(python=(), node=(), scratch_dir=Path("/"))
    install_limits = dataclasses.replace(
        defaults.install_limits,
        timeout_seconds=settings.SANDBOX_INSTALL_TIMEOUT,
        cpu_seconds=2 * settings.SANDBOX_INSTALL_TIMEOUT,
    )
    return EngineConfig(
        python=tuple(settings.SANDBOX_PYTHON),
        node=tuple(settings.SANDBOX_NODE),
        scratch_dir=Path(settings.SANDBOX_SCRATCH_DIR),
        sandbox_user=settings.SANDBOX_USER,
        cgroup_name=settings.SANDBOX_CGROUP_NAME,
        packages_dir=Path(settings.SANDBOX_PACKAGES_DIR) if settings.SANDBOX_PACKAGES_DIR else None,
        packages_max_bytes=settings.SANDBOX_PACKAGES_MAX_MB * MiB,
        install_limits=install_limits,
        python_index_url=settings.SANDBOX_PYTHON_INDEX_URL,
        npm_registry=settings.SANDBOX_NPM_REGISTRY,
        network_allow_cidrs=tuple(settings.SANDBOX_NETWORK_ALLOW_CIDRS),
        network_dns=settings.SANDBOX_NETWORK_DNS,
        network_refused_endpoints=app_endpoints(),
        observer=import_string(settings.SANDBOX_ENGINE_OBSERVER)(),
    )


@functools.cache
def get_engine() -> Engine:
    """The process's engine (prepared lazily on first use, failing closed)."""
    return Engine(engine_config())
