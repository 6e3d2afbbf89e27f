"""Test hosts for run-network tests: a network namespace of our own, reached from this host.

`nethosts()` builds, for as long as the `with` lasts:

- a network namespace `csbt<pid>x<n>` with one end of a veth pair, holding a small slice of
  the documentation ranges (a /28 of 198.51.100.0/24 and a /64 of 2001:db8::/32; not
  203.0.113.0/24, where some hosts, this workplace's among them, reach their registries
  through a proxy: a slice holding an address this host resolves a registry to is skipped);
- the pair's other end in this host's namespace, with a route for that slice and nothing
  else (no address, no forwarding, no firewall change): the only change to the host's
  network, removed on the way out, also when a test fails;
- in the namespace, one process (`python -m harness.nethosts serve`) serving
  - HTTP on port 80 of every address: `/json` (a small JSON document), `/bytes/N` (N
    bytes), `/redirect?to=URL` (a 302 to URL);
  - DNS (UDP and TCP) on `dns`: the names in NAMES with their addresses (10.x, 127.x,
    169.254.169.254 among them), NXDOMAIN for the rest;
  - a second, "rogue" DNS server on `rogue_dns` answering every name with `other`: a run
    that asks it directly must be refused.

The addresses are ordinary documentation addresses, refused to runs unless an engine
allows them (SANDBOX_NETWORK_ALLOW_CIDRS: `allow_cidrs`); the engine's resolver uses `dns`
(SANDBOX_NETWORK_DNS). Nothing here sends traffic anywhere else.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DOMAIN = "nethost.test"
READY_SECONDS = 60  # a loaded machine starts a Python process slowly
_instances = itertools.count()
SLOTS = 16  # /28s of 198.51.100.0/24: test sessions side by side each take a free one
REGISTRIES = ("pypi.org", "files.pythonhosted.org", "registry.npmjs.org")


@dataclass(frozen=True)
class NetHosts:
    namespace: str
    v4: ipaddress.IPv4Network
    v6: ipaddress.IPv6Network
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def address(self, index: int, version: int = 4) -> str:
        return str((self.v4 if version == 4 else self.v6)[index])

    @property
    def web(self) -> str:  # the HTTP server (every address serves it; this one is named "api")
        return self.address(1)

    @property
    def web6(self) -> str:
        return self.address(1, 6)

    @property
    def dns(self) -> str:  # the upstream resolver for the engine
        return self.address(2)

    @property
    def rogue_dns(self) -> str:
        return self.address(3)

    @property
    def other(self) -> str:  # reachable, but named only by names an allow-list leaves out
        return self.address(4)

    @property
    def other6(self) -> str:
        return self.address(4, 6)

    @property
    def allow_cidrs(self) -> tuple[str, ...]:
        return (str(self.v4), str(self.v6))

    def name(self, label: str) -> str:
        return f"{label}.{DOMAIN}"


def zone(v4: ipaddress.IPv4Network, v6: ipaddress.IPv6Network) -> dict[str, tuple[str, ...]]:
    """Each name the test DNS server answers, with its addresses."""
    web, web6, other, other6 = str(v4[1]), str(v6[1]), str(v4[4]), str(v6[4])
    return {
        f"api.{DOMAIN}": (web, web6),
        f"www.api.{DOMAIN}": (web,),
        f"other.{DOMAIN}": (other, other6),
        f"six.{DOMAIN}": (web6,),
        f"ten.{DOMAIN}": ("10.0.0.5",),
        f"loop.{DOMAIN}": ("127.0.0.1", "::1"),
        f"metadata.{DOMAIN}": ("169.254.169.254", "fd00:ec2::254"),
        f"mixed.{DOMAIN}": ("10.0.0.5", web),
    }


@contextlib.contextmanager
def nethosts() -> Iterator[NetHosts]:
    pid = os.getpid()
    namespace = f"csbt{pid}x{next(_instances)}"  # at most 15 characters with its suffix
    outside, inside = f"{namespace}a", f"{namespace}b"
    cleanup = contextlib.ExitStack()
    with cleanup:
        _ip("netns", "add", namespace)
        cleanup.callback(_ip, "netns", "delete", namespace, check=False)
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        cleanup.callback(_ip, "link", "delete", outside, check=False)
        _ip("link", "set", inside, "netns", namespace)
        v4, v6 = _route_free_slot(outside, pid)
        inner = ["-n", namespace]
        _ip(*inner, "link", "set", "lo", "up")
        _ip(*inner, "link", "set", inside, "up")
        for index in (1, 2, 3, 4):
            _ip(*inner, "addr", "add", f"{v4[index]}/{v4.prefixlen}", "dev", inside)
            _ip(*inner, "-6", "addr", "add", f"{v6[index]}/64", "dev", inside, "nodad")
        _ip(*inner, "route", "add", "default", "dev", inside)
        _ip(*inner, "-6", "route", "add", "default", "via", "fe80::1", "dev", inside)
        hosts = NetHosts(namespace, v4, v6, zone(v4, v6))
        server = subprocess.Popen(
            ["ip", "netns", "exec", namespace, sys.executable, "-m", "harness.nethosts", "serve",
             json.dumps({"dns": hosts.dns, "rogue": hosts.rogue_dns, "other": hosts.other,
                         "names": hosts.names})],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        cleanup.callback(_stop, server)
        ready = _read_line(server, READY_SECONDS)
        if ready != b"ready\n":
            raise RuntimeError(f"the test hosts did not start (said {ready!r})")
        yield hosts


def _in_use() -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Addresses this host reaches its package registries at (never to be routed away)."""
    found = set()
    for name in REGISTRIES:
        with contextlib.suppress(OSError):
            found |= {ipaddress.ip_address(a[4][0]) for a in socket.getaddrinfo(name, 443)}
    return found


def _route_free_slot(outside: str, pid: int):
    _ip("link", "set", outside, "up")
    _ip("-6", "addr", "add", "fe80::1/64", "dev", outside, "nodad")
    in_use = _in_use()
    for attempt in range(SLOTS):
        slot = (pid + attempt) % SLOTS
        v4 = ipaddress.IPv4Network(f"198.51.100.{slot * 16}/28")
        v6 = ipaddress.IPv6Network(f"2001:db8:cb:{slot:x}::/64")
        if any(address in v4 or address in v6 for address in in_use):
            continue
        if _ip("route", "add", str(v4), "dev", outside, check=False) == 0:
            _ip("-6", "route", "add", str(v6), "dev", outside)
            return v4, v6
    raise RuntimeError("every test-host slot of 198.51.100.0/24 is taken")


def _ip(*args: str, check: bool = True) -> int:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.returncode


def _read_line(process: subprocess.Popen, seconds: float) -> bytes:
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    return line[0] if line else b""


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 9)
    process.wait()


# --- the servers, run inside the namespace ----------------------------------------------------


class Web(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        url = urlparse(self.path)
        if url.path == "/json":
            body = json.dumps({"id": 1, "title": "hello from the test host", "userId": 7})
            return self._send(200, body.encode(), "application/json")
        if url.path.startswith("/bytes/"):
            return self._send_bytes(int(url.path.removeprefix("/bytes/")))
        if url.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", parse_qs(url.query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._send(404, b"not found\n", "text/plain")

    def _send(self, code: int, body: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_bytes(self, count: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(count))
        self.end_headers()
        chunk = b"x" * 65536
        with contextlib.suppress(OSError):
            while count > 0:
                self.wfile.write(chunk[: min(count, len(chunk))])
                count -= len(chunk)

    def log_message(self, *args) -> None:
        pass


class Web6(ThreadingHTTPServer):
    address_family = socket.AF_INET6

    def server_bind(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        super().server_bind()


def _dns_answer(query: bytes, names: dict[str, tuple[str, ...]], anything: str | None) -> bytes:
    import dns.message
    import dns.rcode
    import dns.rdatatype
    import dns.rrset

    request = dns.message.from_wire(query)
    reply = dns.message.make_response(request)
    question = request.question[0]
    name = question.name.to_text(omit_final_dot=True).lower()
    addresses = (anything,) if anything else names.get(name)
    if addresses is None:
        reply.set_rcode(dns.rcode.NXDOMAIN)
        return reply.to_wire()
    for address in addresses:
        version = ipaddress.ip_address(address).version
        kind = dns.rdatatype.A if version == 4 else dns.rdatatype.AAAA
        if question.rdtype == kind:
            reply.answer.append(dns.rrset.from_text(question.name, 60, "IN", kind, address))
    return reply.to_wire()


def _serve_dns(address: str, names: dict, anything: str | None) -> None:
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((address, 53))
    tcp = socket.create_server((address, 53))

    def answer_udp() -> None:
        while True:
            query, client = udp.recvfrom(4096)
            with contextlib.suppress(Exception):
                udp.sendto(_dns_answer(query, names, anything), client)

    def answer_tcp() -> None:
        while True:
            connection, _ = tcp.accept()
            with connection, contextlib.suppress(Exception):
                size = int.from_bytes(connection.recv(2), "big")
                query = b""
                while len(query) < size:
                    query += connection.recv(size - len(query))
                reply = _dns_answer(query, names, anything)
                connection.sendall(len(reply).to_bytes(2, "big") + reply)

    for target in (answer_udp, answer_tcp):
        threading.Thread(target=target, daemon=True).start()


def serve(config: dict) -> None:
    import dns.message

    for kind in ("A", "AAAA"):  # dnspython loads its parts on first use: not on a test's time
        _dns_answer(dns.message.make_query(f"api.{DOMAIN}", kind).to_wire(), config["names"], None)
    _serve_dns(config["dns"], config["names"], None)
    _serve_dns(config["rogue"], config["names"], config["other"])
    servers = [ThreadingHTTPServer(("0.0.0.0", 80), Web), Web6(("::", 80), Web)]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    threading.Event().wait()


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    serve(json.loads(sys.argv[2]))
