"""A run's own DNS resolver: answers only names its policy allows, only with addresses the
run may reach, and (for an allow-list) lets the firewall accept an address only once it has
handed it out.

It listens on 127.0.0.53:53 (UDP and TCP) inside the run's network namespace (the sockets
are made there by a short-lived thread that joins the namespace; the engine's event loop
serves them) and asks the upstream resolver (SANDBOX_NETWORK_DNS, default the host's) from
the host. It answers A and AAAA questions only (other types get an empty answer: no
address hints in HTTPS records, no TXT tunnels); a name the policy refuses gets NXDOMAIN,
and addresses the run may never reach are left out of answers. Each refusal is written
down for the run's result.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import socket
import threading
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from .netns import METADATA, blocked_reason
from .network_policy import Network, NetworkPolicy, pattern_matches

ADDRESS = "127.0.0.53"
RESOLV_CONF = f"nameserver {ADDRESS}\noptions timeout:2 attempts:2\n"
UPSTREAM_SECONDS = 3.0
MAX_TTL = 300
KEPT_REFUSALS = 5
MAX_IN_FLIGHT = 32  # questions over UDP being answered at once, per run
IP_FREEBIND = 15  # bind before the namespace's loopback is up (linux/in.h)


def warm_up() -> None:
    """Load what dnspython loads on first use (its asyncio backend, the A and AAAA
    types): ~0.3 s that would otherwise fall on a run's first lookup."""
    import dns.asyncbackend

    dns.asyncbackend.get_backend("asyncio")
    for kind, address in (("A", "192.0.2.1"), ("AAAA", "2001:db8::1")):
        query = dns.message.make_query("warm.example", kind)
        reply = dns.message.make_response(query)
        reply.answer.append(
            dns.rrset.from_text_list(query.question[0].name, 60, "IN", kind, [address])
        )
        dns.message.from_wire(reply.to_wire())


class Refusals:
    """What a run's policy refused: how many times, and the first few in words."""

    def __init__(self) -> None:
        self.count = 0
        self.first: list[str] = []

    def add(self, words: str, count: int = 1) -> None:
        self.count += count
        if words not in self.first and len(self.first) < KEPT_REFUSALS:
            self.first.append(words)


def upstream_resolver(configured: str) -> str:
    """The resolver runs' questions go to: the configured one, else the host's first."""
    if configured:
        return configured
    with contextlib.suppress(OSError):
        for line in Path("/etc/resolv.conf").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver":
                return parts[1].split("%")[0]
    return "127.0.0.1"


class AddressCheck:
    """Which addresses a run may be handed: never this host's own nor a metadata address;
    an always-refused range only when the operator lifted it (allow_cidrs)."""

    def __init__(self, allow_cidrs: Iterable[str], host: Iterable[str]) -> None:
        self.allow = [ipaddress.ip_network(c, strict=False) for c in allow_cidrs]
        self.never = {str(ipaddress.ip_address(a)) for a in (*host, *METADATA)}

    def refusal(self, address: str) -> str | None:
        """Why the run may not reach `address`, in words; None when it may."""
        parsed = ipaddress.ip_address(address)
        if str(parsed) in METADATA:
            return "cloud metadata address"
        if parsed.is_loopback:
            return "loopback address"
        if str(parsed) in self.never:
            return "this host's own address"
        if any(parsed in network for network in self.allow):
            return None
        return blocked_reason(address)


class Resolver:
    def __init__(
        self,
        *,
        policy: NetworkPolicy,
        upstream: str,
        check: AddressCheck,
        refusals: Refusals,
        handed_out: Callable[[list[str]], Awaitable[None]] | None,
    ) -> None:
        self.policy = policy
        self.upstream = upstream
        self.check = check
        self.refusals = refusals
        self.handed_out = handed_out  # tells the firewall before an answer leaves
        self.given: set[str] = set()
        self._closers: list[Callable[[], None]] = []

    async def start(self, netns: int) -> None:
        """Listen inside the namespace `netns` (an open fd)."""
        udp, tcp = await _sockets_in(netns)
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: _Udp(self), sock=udp)
        server = await asyncio.start_server(self._serve_tcp, sock=tcp)
        self._closers += [transport.close, server.close]

    def close(self) -> None:
        for close in self._closers:
            close()
        self._closers.clear()

    async def _serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        with contextlib.suppress(Exception):
            while True:
                size = int.from_bytes(await reader.readexactly(2), "big")
                reply = await self.answer(await reader.readexactly(size))
                writer.write(len(reply).to_bytes(2, "big") + reply)
                await writer.drain()
        writer.close()

    async def answer(self, query: bytes) -> bytes:
        """The reply to one DNS message."""
        try:
            request = dns.message.from_wire(query)
        except dns.exception.DNSException:
            return b""
        reply = dns.message.make_response(request)
        reply.flags |= dns.flags.RA
        if len(request.question) != 1 or request.question[0].rdclass != dns.rdataclass.IN:
            reply.set_rcode(dns.rcode.REFUSED)
            return reply.to_wire()
        question = request.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        if not self.policy.allows_name(name):
            self._refuse_name(name, question.rdtype)
            reply.set_rcode(dns.rcode.NXDOMAIN)
            return reply.to_wire()
        if question.rdtype not in (dns.rdatatype.A, dns.rdatatype.AAAA):
            return reply.to_wire()  # no data
        try:
            upstream = await self._ask(name, question.rdtype)
        except (dns.exception.DNSException, OSError):
            reply.set_rcode(dns.rcode.SERVFAIL)
            return reply.to_wire()
        if upstream.rcode() != dns.rcode.NOERROR:
            reply.set_rcode(upstream.rcode())
            return reply.to_wire()
        addresses, ttl = [], MAX_TTL
        for rrset in upstream.answer:
            if rrset.rdtype == question.rdtype:
                ttl = min(ttl, rrset.ttl)
                addresses += [rr.address for rr in rrset]
        kept = []
        for address in dict.fromkeys(addresses):
            if reason := self.check.refusal(address):
                self.refusals.add(f"{name} (resolves to {address}, {_article(reason)})")
            else:
                kept.append(address)
        new = [a for a in kept if a not in self.given]
        if new and self.handed_out is not None:
            await self.handed_out(new)  # the firewall accepts them before the run knows them
        self.given.update(new)
        if kept:
            kind = question.rdtype
            reply.answer.append(dns.rrset.from_text_list(question.name, ttl, "IN", kind, kept))
        return reply.to_wire()

    def _refuse_name(self, name: str, rdtype: int) -> None:
        if rdtype == dns.rdatatype.AAAA:
            return  # asked together with A: one refusal, not two
        if any(pattern_matches(pattern, name) for pattern in self.policy.deny):
            self.refusals.add(f"{name} (on the deny-list)")
        elif self.policy.mode is Network.ALLOW_LIST:
            self.refusals.add(f"{name} (not on the allow-list)")

    async def _ask(self, name: str, rdtype: int) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype)
        reply = await dns.asyncquery.udp(query, self.upstream, timeout=UPSTREAM_SECONDS)
        if reply.flags & dns.flags.TC:
            reply = await dns.asyncquery.tcp(query, self.upstream, timeout=UPSTREAM_SECONDS)
        return reply


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.transport: asyncio.DatagramTransport | None = None
        self.tasks: set[asyncio.Task] = set()

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, address) -> None:
        if len(self.tasks) >= MAX_IN_FLIGHT:
            return  # a flood of questions costs the engine nothing more: they are dropped
        task = asyncio.get_running_loop().create_task(self._reply(data, address))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _reply(self, data: bytes, address) -> None:
        reply = await self.resolver.answer(data)
        if reply and self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(reply, address)


def _article(reason: str) -> str:
    if reason.startswith("this "):
        return reason
    return ("an " if reason[0] in "aeiou" else "a ") + reason


async def _sockets_in(netns: int) -> tuple[socket.socket, socket.socket]:
    """UDP and TCP sockets bound to ADDRESS:53 inside the namespace: made by a thread of
    their own that joins it (a namespace is per thread), then ends."""
    made: list = []

    def make() -> None:
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.setns(netns, os.CLONE_NEWNET)
            try:
                udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                for sock in (udp, tcp):
                    sock.setsockopt(socket.IPPROTO_IP, IP_FREEBIND, 1)
                    sock.setblocking(False)
                    sock.bind((ADDRESS, 53))
                tcp.listen(16)
                made.extend((udp, tcp))
            finally:
                os.setns(own, os.CLONE_NEWNET)
        except BaseException as error:
            made.append(error)
        finally:
            os.close(own)

    thread = threading.Thread(target=make, name="run-resolver-sockets")
    thread.start()
    await asyncio.to_thread(thread.join)
    if len(made) != 2:
        raise made[-1] if made and isinstance(made[-1], BaseException) else OSError("no socket")
    return made[0], made[1]
