"""Helpers for run-network tests: an engine that reaches the test hosts (harness/nethosts.py)."""

from __future__ import annotations

import dataclasses

from harness.nethosts import NetHosts
from sandboxes.engine import Engine, Limits, NetworkPolicy, RunSpec
from sandboxes.engine.runtimes import entry_file
from sandboxes.engine_config import engine_config

from .package_helpers import Outcome

INTERNET = NetworkPolicy(mode="internet")


def network_engine(hosts: NetHosts) -> Engine:
    """An engine whose runs may reach the test hosts' ranges and ask their DNS server."""
    config = dataclasses.replace(
        engine_config(), network_allow_cidrs=hosts.allow_cidrs, network_dns=hosts.dns
    )
    engine = Engine(config)
    engine.prepare()
    return engine


def allow(*names: str, deny: tuple[str, ...] = (), max_bytes: int | None = None):
    return NetworkPolicy(mode="allow_list", allow=names, deny=deny, max_bytes=max_bytes)


def run_on(
    engine: Engine,
    hosts: NetHosts,
    code: str,
    network: NetworkPolicy,
    runtime: str = "python",
    *,
    packages: tuple[str, ...] = (),
    timeout: float = 20,
) -> Outcome:
    """Run `code` with `network`; WEB, WEB6, OTHER, ROGUE in it become the test hosts'
    addresses."""
    for word, value in (
        ("WEB6", hosts.web6),
        ("WEB", hosts.web),
        ("OTHER", hosts.other),
        ("ROGUE", hosts.rogue_dns),
    ):
        code = code.replace(word, value)
    entry = entry_file(runtime)
    chunks: list[tuple[str, bytes]] = []
    spec = RunSpec(
        runtime=runtime,
        files={entry: code.encode()},
        entry=entry,
        network=network,
        packages=packages,
        limits=Limits(timeout_seconds=timeout, cpu_seconds=timeout, memory_bytes=512 << 20),
    )
    result = engine.run_sync(spec, on_output=lambda s, d: chunks.append((s, d)))
    return Outcome(result=result, chunks=chunks)


PY_TRY = """\
import socket, urllib.request

def attempt(label, action):
    try:
        print(label, "ok", action())
    except Exception as error:
        print(label, "refused", type(error).__name__)

def connect(host, port, family=socket.AF_INET):
    with socket.create_connection((host, port), timeout=5):
        return "connected"

def get(url):
    with urllib.request.urlopen(url, timeout=5) as page:
        return page.read().decode()

"""
