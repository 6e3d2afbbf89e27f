"""A run's network: `internet` reaches public addresses and nothing inside; an allow-list
reaches its names and nothing else, for any protocol; bytes counted, a cap enforced,
refusals counted and described. The "public" hosts are test hosts in a namespace of their
own (harness/nethosts.py), their documentation range lifted as an operator would.

As elsewhere in these tests, the only private targets ever tried are this host's own
addresses and slirp's gateway to it (10.0.2.2): every other private address is only ever
the answer of a DNS name, which the run's resolver must not hand out.
"""

from __future__ import annotations

import pytest

from sandboxes.engine import InvalidSpec, NetworkPolicy, RunSpec
from sandboxes.engine.netns import host_addresses

from .netrun import INTERNET, PY_TRY, allow, network_engine, run_on

pytestmark = pytest.mark.sandbox


@pytest.fixture(scope="module")
def engine(network_hosts):
    return network_engine(network_hosts)


@pytest.fixture
def run(engine, network_hosts):
    return lambda code, network, runtime="python", **options: run_on(
        engine, network_hosts, code, network, runtime, **options
    )


def lines(outcome) -> dict[str, str]:
    found = {}
    for line in outcome.stdout.splitlines():
        label, verdict, *_ = line.split(" ", 2) + [""]
        found[label] = verdict
    return found


def test_internet_reaches_a_public_host_by_name_and_by_address_over_ipv4_and_ipv6(run):
    outcome = run(
        PY_TRY
        + "attempt('name', lambda: get('http://api.nethost.test/json'))\n"
        + "attempt('address', lambda: connect('WEB', 80))\n"
        + "attempt('ipv6', lambda: get('http://[WEB6]/json'))\n"
        + "attempt('six', lambda: get('http://six.nethost.test/json'))\n",
        INTERNET,
    )

    assert lines(outcome) == dict.fromkeys(["name", "address", "ipv6", "six"], "ok"), outcome
    assert "hello from the test host" in outcome.stdout
    assert outcome.result.network_bytes_in > 0 and outcome.result.network_bytes_out > 0


def test_internet_never_reaches_this_host_its_gateway_or_reserved_addresses(run):
    own = [a for a in host_addresses() if not a.startswith(("127.", "::1", "fe80"))]
    program = PY_TRY + "".join(
        f"attempt({address!r}, lambda: connect({address!r}, 5432))\n" for address in own
    )
    program += "attempt('gateway', lambda: connect('10.0.2.2', 6379))\n"
    program += "attempt('reserved', lambda: connect('192.0.2.77', 80))\n"

    outcome = run(program, INTERNET)

    assert set(lines(outcome).values()) == {"refused"}, outcome.stdout
    assert len(lines(outcome)) == len(own) + 2
    blocked = outcome.result.network_blocked
    assert "10.0.2.2:6379 (private address)" in blocked
    assert "192.0.2.77:80 (reserved address)" in blocked
    assert any("(this host's own address)" in line for line in blocked), blocked
    assert outcome.result.network_blocked_count >= len(own) + 2


@pytest.mark.parametrize("network", [INTERNET, allow("*.nethost.test")], ids=["internet", "allow"])
def test_names_resolving_to_private_loopback_or_metadata_addresses_get_no_address(
    run, network, network_hosts
):
    outcome = run(
        PY_TRY
        + "".join(
            f"attempt({label!r}, lambda: socket.getaddrinfo('{label}.nethost.test', 80))\n"
            for label in ("ten", "loop", "metadata")
        )
        + "mixed = lambda: socket.getaddrinfo('mixed.nethost.test', 80)\n"
        + "addresses = lambda: sorted({a[4][0] for a in mixed()})\n"
        + "attempt('mixed', addresses)\n",
        network,
    )

    assert lines(outcome) == {
        "ten": "refused",
        "loop": "refused",
        "metadata": "refused",
        "mixed": "ok",
    }
    assert f"mixed ok ['{network_hosts.web}']" in outcome.stdout
    blocked = outcome.result.network_blocked
    assert "ten.nethost.test (resolves to 10.0.0.5, a private address)" in blocked
    assert "loop.nethost.test (resolves to 127.0.0.1, a loopback address)" in blocked
    assert (
        "metadata.nethost.test (resolves to 169.254.169.254, a cloud metadata address)" in blocked
    )


@pytest.mark.parametrize(
    "network", [INTERNET, allow("api.nethost.test")], ids=["internet", "allow"]
)
def test_a_programs_own_dns_to_another_resolver_is_refused_over_udp_and_tcp(
    run, network, network_hosts
):
    query = (
        "b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00"
        "\\x03api\\x07nethost\\x04test\\x00\\x00\\x01\\x00\\x01'"
    )
    outcome = run(
        PY_TRY + f"QUERY = {query}\n" + "def udp():\n"
        "    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:\n"
        "        s.settimeout(3)\n"
        "        s.sendto(QUERY, ('ROGUE', 53))\n"
        "        return s.recv(512)\n"
        "attempt('udp', udp)\n"
        "attempt('tcp', lambda: connect('ROGUE', 53))\n"
        "attempt('dot', lambda: connect('ROGUE', 853))\n",
        network,
    )

    assert lines(outcome) == {"udp": "refused", "tcp": "refused", "dot": "refused"}, outcome
    rogue = network_hosts.rogue_dns
    assert set(outcome.result.network_blocked) == {
        f"{rogue}:53/udp (DNS to another resolver than the sandbox's)",
        f"{rogue}:53 (DNS to another resolver than the sandbox's)",
        f"{rogue}:853 (DNS to another resolver than the sandbox's)",
    }


def test_an_allow_list_reaches_its_names_and_nothing_else_for_any_protocol(run):
    outcome = run(
        PY_TRY
        + "attempt('allowed', lambda: get('http://api.nethost.test/json'))\n"
        + "attempt('wildcard', lambda: get('http://www.api.nethost.test/json'))\n"
        + "attempt('allowed-ipv6', lambda: get('http://six.nethost.test/json'))\n"
        + "attempt('other-name', lambda: socket.getaddrinfo('other.nethost.test', 80))\n"
        + "attempt('other-address', lambda: connect('OTHER', 80))\n"
        + "attempt('other-ipv6', lambda: connect('WEB6'.replace('::1', '::4'), 80))\n"
        + "def udp():\n"
        "    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:\n"
        "        s.settimeout(3)\n"
        "        s.sendto(b'x', ('OTHER', 9))\n"
        "        return s.recv(10)\n"
        "attempt('other-udp', udp)\n",
        allow("api.nethost.test", "*.api.nethost.test", "six.nethost.test"),
    )

    assert lines(outcome) == {
        "allowed": "ok",
        "wildcard": "ok",
        "allowed-ipv6": "ok",
        "other-name": "refused",
        "other-address": "refused",
        "other-ipv6": "refused",
        "other-udp": "refused",
    }, outcome.stdout
    blocked = outcome.result.network_blocked
    assert "other.nethost.test (not on the allow-list)" in blocked
    assert any(b.endswith(":80 (not an address of a name on the allow-list)") for b in blocked), (
        blocked
    )


def test_a_deny_list_wins_over_the_allow_list_and_over_internet(run):
    for network in (
        allow("*.nethost.test", deny=("other.nethost.test",)),
        NetworkPolicy(mode="internet", deny=("other.nethost.test",)),
    ):
        outcome = run(
            PY_TRY
            + "attempt('api', lambda: get('http://api.nethost.test/json'))\n"
            + "attempt('other', lambda: get('http://other.nethost.test/json'))\n",
            network,
        )

        assert lines(outcome) == {"api": "ok", "other": "refused"}, outcome.stdout
        assert "other.nethost.test (on the deny-list)" in outcome.result.network_blocked


def test_a_redirect_to_a_private_address_or_name_is_refused(run):
    outcome = run(
        PY_TRY
        + "attempt('to-name', lambda: get('http://api.nethost.test/redirect?to=http://ten.nethost.test/'))\n"
        + "attempt('to-address', lambda: get('http://api.nethost.test/redirect?to=http://10.0.2.2:5432/'))\n"
        + "attempt('to-public', lambda: get('http://api.nethost.test/redirect?to=http://WEB/json'))\n",
        INTERNET,
    )

    assert lines(outcome) == {"to-name": "refused", "to-address": "refused", "to-public": "ok"}
    assert "10.0.2.2:5432 (private address)" in outcome.result.network_blocked


NODE_FETCH = """\
for (const [label, url] of [
  ["allowed", "http://api.nethost.test/json"],
  ["other", "http://other.nethost.test/json"],
  ["literal", "http://OTHER/json"],
  ["private", "http://ten.nethost.test/"],
]) {
  try {
    const body = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).json();
    console.log(label, "ok", body.title);
  } catch (error) {
    console.log(label, "refused", error.cause?.code ?? error.name);
  }
}
"""


@pytest.mark.parametrize(
    "network, reached",
    [(INTERNET, {"allowed", "other", "literal"}), (allow("api.nethost.test"), {"allowed"})],
    ids=["internet", "allow"],
)
def test_node_fetch_reaches_what_the_policy_allows(run, network, reached):
    outcome = run(NODE_FETCH, network, "node")

    expected = {
        label: "ok" if label in reached else "refused"
        for label in ("allowed", "other", "literal", "private")
    }
    assert lines(outcome) == expected, outcome.stdout + outcome.stderr


def test_bytes_in_and_out_are_counted(run):
    outcome = run(PY_TRY + "print(len(get('http://api.nethost.test/bytes/300000')))\n", INTERNET)

    assert outcome.stdout == "300000\n", outcome.stderr
    assert 300_000 < outcome.result.network_bytes_in < 360_000
    assert 0 < outcome.result.network_bytes_out < 50_000


def test_a_run_over_its_network_cap_is_stopped(run):
    outcome = run(
        PY_TRY + "get('http://api.nethost.test/bytes/50000000')\nprint('finished')\n",
        NetworkPolicy(mode="internet", max_bytes=200_000),
    )

    assert outcome.status == "network_limited"
    assert "finished" not in outcome.stdout
    assert "200000 bytes of network traffic" in outcome.result.error
    assert outcome.result.network_bytes_in < 400_000


def test_a_run_without_network_has_no_resolver_and_counts_nothing(run):
    outcome = run(
        PY_TRY + "attempt('name', lambda: get('http://api.nethost.test/json'))\n", NetworkPolicy()
    )

    assert lines(outcome) == {"name": "refused"}
    result = outcome.result
    assert (result.network_bytes_in, result.network_bytes_out, result.network_blocked_count) == (
        0,
        0,
        0,
    )


def test_a_gvisor_run_cannot_ask_for_network():
    with pytest.raises(InvalidSpec, match="only available with bubblewrap"):
        RunSpec(
            runtime="python",
            files={"main.py": b""},
            entry="main.py",
            network=INTERNET,
            isolation="gvisor",
        )


RAW = """\
import socket, subprocess
for label, family, kind, proto in [
    ("raw-icmp", socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
    ("raw-ipv6", socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6),
    ("packet", socket.AF_PACKET, socket.SOCK_RAW, 0),
    ("ping", socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
]:
    try:
        socket.socket(family, kind, proto).close()
        print(label, "ok")
    except OSError as error:
        print(label, "refused", type(error).__name__)
flush = subprocess.run(["/usr/sbin/nft", "flush", "ruleset"], capture_output=True)
print("flush", "ok" if flush.returncode == 0 else "refused")
try:
    socket.create_connection(("10.0.2.2", 5432), timeout=3)
    print("gateway ok")
except OSError as error:
    print("gateway refused", type(error).__name__)
"""


def test_a_program_with_network_has_no_raw_sockets_and_cannot_change_its_firewall(run):
    outcome = run(RAW, INTERNET)

    assert lines(outcome) == {
        "raw-icmp": "refused",
        "raw-ipv6": "refused",
        "packet": "refused",
        "ping": "refused",
        "flush": "refused",
        "gateway": "refused",
    }, outcome.stdout + outcome.stderr
    assert "10.0.2.2:5432 (private address)" in outcome.result.network_blocked
