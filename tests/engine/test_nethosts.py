"""The network test hosts serve HTTP and DNS from their own namespace, leave nothing behind,
and the app's engine reaches them in a test that asks (engine_reaches_network_hosts)."""

from __future__ import annotations

import subprocess
import urllib.request

import dns.message
import dns.query
import pytest

from harness.nethosts import nethosts
from sandboxes.engine import NetworkPolicy, RunSpec
from sandboxes.engine_config import get_engine

pytestmark = pytest.mark.sandbox


def test_the_test_hosts_answer_http_and_dns_and_are_removed_afterwards():
    with nethosts() as hosts:
        page = urllib.request.urlopen(f"http://{hosts.web}/json", timeout=5).read()
        page6 = urllib.request.urlopen(f"http://[{hosts.web6}]/json", timeout=5).read()
        query = dns.message.make_query(hosts.name("ten"), "A")
        answer = dns.query.udp(query, hosts.dns, timeout=5).answer
        rogue = dns.query.tcp(dns.message.make_query("any.example", "A"), hosts.rogue_dns, 5)

    assert b"hello from the test host" in page and page == page6
    assert [rr.to_text() for rr in answer[0]] == ["10.0.0.5"]
    assert [rr.to_text() for rr in rogue.answer[0]] == [hosts.other]
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    namespaces = subprocess.run(["ip", "netns"], capture_output=True, text=True).stdout
    assert hosts.namespace not in links and hosts.namespace not in namespaces
    routes = subprocess.run(["ip", "route"], capture_output=True, text=True).stdout
    assert str(hosts.v4) not in routes


def test_the_apps_engine_reaches_the_test_hosts_with_the_fixture(engine_reaches_network_hosts):
    code = b"import urllib.request\nprint(urllib.request.urlopen('http://api.nethost.test/json').read().decode())"
    spec = RunSpec(
        runtime="python",
        files={"main.py": code},
        entry="main.py",
        network=NetworkPolicy(mode="internet"),
    )
    output: list[bytes] = []

    result = get_engine().run_sync(spec, on_output=lambda _stream, data: output.append(data))

    assert result.ok and b"hello from the test host" in b"".join(output), result
