"""Install sandboxes: network for the install step only, with the host's and the LAN's
services out of reach; built once under concurrency; never half-built; fail closed.

Only loopback addresses are ever tried as "private" targets here (this workplace watches
for traffic to private ranges); the rules for the rest are checked by listing them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import socket
import subprocess
from ipaddress import ip_network

import pytest

from sandboxes.engine import EngineUnavailable
from sandboxes.engine.packages.installer import Installer
from sandboxes.engine.packages.network import (
    BLOCKED_V4,
    BLOCKED_V6,
    InstallNetwork,
    host_addresses,
)

from .package_helpers import fresh_engine, package_spec, run_with

pytestmark = [pytest.mark.sandbox, pytest.mark.network]

PROBE = """\
import socket, urllib.request

def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        return "REACHED"
    except OSError as error:
        return type(error).__name__

print("postgres", connect("127.0.0.1", 5432))
print("listener", connect("127.0.0.1", {port}))
with urllib.request.urlopen("https://pypi.org/simple/requests/", timeout=30) as page:
    print("pypi", page.status)
"""


def replace_installer_program(monkeypatch, program: str) -> None:
    """Installs run `program` (Python, on the run's runtime) instead of uv or npm."""

    def command(self, runtime, specs):
        return [str(runtime.executable), "-c", program], []

    monkeypatch.setattr(Installer, "_command", command)


@pytest.fixture
def host_listener():
    """A service on the host's loopback, which must stay out of an install's reach."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_an_install_reaches_pypi_but_not_the_hosts_loopback_services(
    engine, monkeypatch, host_listener
):
    socket.create_connection(("127.0.0.1", host_listener), timeout=2).close()  # it is up
    replace_installer_program(monkeypatch, PROBE.format(port=host_listener))
    rulesets: list[str] = []
    connect = InstallNetwork.connect

    async def connect_and_list_rules(self, child_pid):
        await connect(self, child_pid)
        listed = subprocess.run(
            ["nsenter", f"--net=/proc/{child_pid}/ns/net", "nft", "list", "ruleset"],
            capture_output=True,
            text=True,
        )
        rulesets.append(listed.stdout)

    monkeypatch.setattr(InstallNetwork, "connect", connect_and_list_rules)
    runtime = engine.runtimes.default_for("python")
    into = engine.packages.store.temporary("probe")
    outcome = asyncio.run(
        engine.packages.installer.build(runtime, (), into, None, engine.packages.etc_dir)
    )

    assert outcome.output.splitlines() == [
        "postgres TimeoutError",
        "listener TimeoutError",
        "pypi 200",
    ], outcome.output
    (ruleset,) = rulesets
    for blocked in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"):
        assert blocked in ruleset
    for blocked in ("100.64.0.0/10", "127.0.0.0/8", "fc00::/7", "fe80::/10"):
        assert blocked in ruleset
    assert "ip daddr 10.0.2.3 meta l4proto { tcp, udp } th dport 53 accept" in ruleset
    for address in map(ipaddress.ip_address, host_addresses()):
        # This host's own addresses too: listed, or inside a blocked range.
        ranges = BLOCKED_V4 if address.version == 4 else BLOCKED_V6
        assert str(address) in ruleset or any(address in ip_network(r) for r in ranges)
    assert not into.exists() or not any(into.iterdir())


def test_a_run_with_packages_still_has_no_network(engine):
    code = """\
import socket
try:
    socket.create_connection(("pypi.org", 443), timeout=3)
    print("LEAK")
except OSError as error:
    print(type(error).__name__)
"""
    outcome = run_with(engine, code, ("requests",))

    assert outcome.stdout == "gaierror\n"


def test_two_runs_asking_for_the_same_new_set_build_it_once(monkeypatch):
    builds = []
    build = Installer.build

    async def counted(self, *args, **kwargs):
        builds.append(args[1])
        return await build(self, *args, **kwargs)

    monkeypatch.setattr(Installer, "build", counted)
    code = "import six\nprint(six.__version__)\n"
    with fresh_engine() as engine:
        spec = package_spec(code, ("six==1.16.0",))

        async def both():
            try:
                return await asyncio.gather(engine.run(spec), engine.run(spec))
            finally:
                engine.close()  # the launcher kept ready belongs to this loop

        first, second = asyncio.run(both())

    assert builds == [("six==1.16.0",)]
    assert (first.status.value, second.status.value) == ("succeeded", "succeeded")
    assert sorted([first.install_seconds > 0, second.install_seconds > 0]) == [False, True]


def test_an_install_that_dies_half_way_leaves_nothing_a_run_could_use(monkeypatch):
    half_way = (
        "import os, time\n"
        "os.makedirs('/workspace/build/python', exist_ok=True)\n"
        "open('/workspace/build/python/six.py', 'w').write('print(\"HALF-BUILT\")')\n"
        "time.sleep(60)\n"
    )
    with fresh_engine() as engine:
        limits = dataclasses.replace(engine.config.install_limits, timeout_seconds=3)
        engine.packages.installer.limits = limits
        with monkeypatch.context() as patch:
            replace_installer_program(patch, half_way)
            stopped = run_with(engine, "import six", ("six==1.16.0",))
        leftovers = [path.name for path in engine.packages.store.root.iterdir()]
        engine.packages.installer.limits = engine.config.install_limits
        real = run_with(engine, "import six\nprint(six.__file__)\n", ("six==1.16.0",))

    assert stopped.status == "install_failed"
    assert "the install took too long" in stopped.result.error
    assert not [name for name in leftovers if len(name) == 64 or ".tmp-" in name]
    assert (real.status, real.stdout) == ("succeeded", "/packages/python/six.py\n")


def test_installs_are_refused_without_slirp4netns_but_plain_runs_go_on():
    with fresh_engine(slirp4netns="/nonexistent/slirp4netns") as engine:
        with pytest.raises(EngineUnavailable, match="slirp4netns"):
            run_with(engine, "import six", ("six==1.16.0",))
        plain = run_with(engine, "print('still runs')")

    assert (plain.status, plain.stdout) == ("succeeded", "still runs\n")
