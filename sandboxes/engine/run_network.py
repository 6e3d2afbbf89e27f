"""A run's network under its policy: `internet` (public addresses) or an allow-list.

The namespace plumbing (slirp4netns, nft through nsenter) and the always-refused ranges
are netns.py's. A run's firewall (nft, inside its namespace) lets through:

- its own loopback, where its resolver (resolver.py) listens: the only DNS it can use
  (DNS and DNS-over-TLS to any other address are refused);
- `internet`: any address but the always-refused ranges (unless the operator lifted one,
  SANDBOX_NETWORK_ALLOW_CIDRS), this host's own addresses, metadata addresses and the
  app's own services, whichever the program names, by name or address;
- an allow-list: only addresses its resolver handed out for allowed names (the resolver
  adds them to an nft set before it replies), minus the same never-reachable ones. So an
  IP literal, a name resolved elsewhere, or a DNS answer pointing inside is refused, for
  any protocol.

Everything else is rejected at once (a TCP reset, an ICMP "administratively prohibited"),
counted, and the first destinations kept in a set read after the run. Bytes in and out are
counted on the run's interface; `max_bytes` is a quota the kernel enforces (packets past it
are dropped) and the runner ends the run once it is reached (NETWORK_LIMITED).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from .fds import close_quietly
from .netns import RUN_BLOCKED_V4, RUN_BLOCKED_V6, NamespaceNetwork, NetworkTools, host_addresses
from .network_policy import Network, NetworkPolicy
from .resolver import AddressCheck, Refusals, Resolver, upstream_resolver

TABLE = "codesandboxes"
DNS_PORTS = "53, 853"
REFUSED_KEPT = 64  # destinations remembered per family (the count has no limit)
REFUSED = "runs with network are refused"


@dataclass(frozen=True)
class RunNetworkSettings:
    """The operator's part: lifted ranges, the upstream resolver, the app's own services."""

    allow_cidrs: tuple[str, ...] = ()
    dns: str = ""  # empty: the host's resolver
    refused_endpoints: tuple[tuple[str, int], ...] = ()  # (address, TCP port)


@dataclass(frozen=True)
class NetworkAccount:
    bytes_in: int
    bytes_out: int
    blocked_count: int
    blocked: tuple[str, ...]

    def result_fields(self) -> dict:
        """The RunResult fields this fills."""
        return {
            "network_bytes_in": self.bytes_in,
            "network_bytes_out": self.bytes_out,
            "network_blocked_count": self.blocked_count,
            "network_blocked": self.blocked,
        }


def _split(addresses: Iterable[str]) -> tuple[list[str], list[str]]:
    v4, v6 = [], []
    for text in addresses:
        network = ipaddress.ip_network(text, strict=False)
        (v4 if network.version == 4 else v6).append(str(network))
    return v4, v6


def run_ruleset(policy: NetworkPolicy, settings: RunNetworkSettings, never: Iterable[str]) -> str:
    """The run namespace's firewall (nft -f syntax)."""
    never4, never6 = _split(never)
    lifted4, lifted6 = _split(settings.allow_cidrs)
    sent = 'counter name "sent" accept'
    rules = [
        'oifname "lo" accept',
        # IPv6's ARP (to slirp's gateway, on the link only: routers never pass it on)
        "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept",
        "ip6 daddr ff02::/16 drop",  # the kernel's own link-local chatter (MLD): no refusal
    ]
    if policy.max_bytes is not None:
        rules.append('quota name "cap" drop')
    rules.append(f"ct state established,related {sent}")
    rules += [f"ip daddr {{ {', '.join(never4)} }} jump refuse"] if never4 else []
    rules += [f"ip6 daddr {{ {', '.join(never6)} }} jump refuse"] if never6 else []
    for address, port in settings.refused_endpoints:
        family = "ip" if ipaddress.ip_address(address).version == 4 else "ip6"
        rules.append(f"{family} daddr {address} tcp dport {port} jump refuse")
    rules.append(f"meta l4proto {{ tcp, udp }} th dport {{ {DNS_PORTS} }} jump refuse")
    if policy.mode is Network.INTERNET:
        rules += [f"ip daddr {{ {', '.join(lifted4)} }} {sent}"] if lifted4 else []
        rules += [f"ip6 daddr {{ {', '.join(lifted6)} }} {sent}"] if lifted6 else []
        rules += [
            f"ip daddr {{ {', '.join(RUN_BLOCKED_V4)} }} jump refuse",
            f"ip6 daddr {{ {', '.join(RUN_BLOCKED_V6)} }} jump refuse",
            f"meta nfproto {{ ipv4, ipv6 }} {sent}",
        ]
    else:  # the resolver vetted every address it put in these sets
        rules += [f"ip daddr @allowed4 {sent}", f"ip6 daddr @allowed6 {sent}"]
    rules.append("jump refuse")
    quota = (
        f"  quota cap {{ over {policy.max_bytes} bytes }}\n" if policy.max_bytes is not None else ""
    )
    refused = f"size {REFUSED_KEPT}; flags dynamic,timeout; timeout 1h;"  # expiry gives the order
    input_cap = '    iifname != "lo" quota name "cap" drop\n' if quota else ""
    return (
        f"table inet {TABLE} {{\n"
        "  set allowed4 { type ipv4_addr; }\n"
        "  set allowed6 { type ipv6_addr; }\n"
        f"  set refused4 {{ type ipv4_addr . inet_proto . inet_service; {refused} }}\n"
        f"  set refused6 {{ type ipv6_addr . inet_proto . inet_service; {refused} }}\n"
        "  counter sent {}\n  counter received {}\n  counter refused {}\n"
        f"{quota}"
        "  chain output {\n"
        "    type filter hook output priority 0; policy drop;\n"
        + "".join(f"    {rule}\n" for rule in rules)
        + "  }\n"
        "  chain refuse {\n"
        "    meta nfproto ipv4 meta l4proto { tcp, udp } "
        "add @refused4 { ip daddr . meta l4proto . th dport }\n"
        "    meta nfproto ipv6 meta l4proto { tcp, udp } "
        "add @refused6 { ip6 daddr . meta l4proto . th dport }\n"
        '    counter name "refused"\n'
        "    meta l4proto tcp reject with tcp reset\n"
        "    reject with icmpx admin-prohibited\n"
        "  }\n"
        "  chain input {\n"
        "    type filter hook input priority 0; policy accept;\n"
        '    iifname != "lo" counter name "received"\n'
        f"{input_cap}"
        "  }\n"
        "}\n"
    )


class RunNetwork:
    """One run's network: `take_launcher()`, then `start()` once bubblewrap reported its
    child (the program is let go once the network is up), `account()` after it ended,
    `close()` always."""

    RESOLV_CONF = "run-resolv.conf"  # in the engine's etc folder: the run's own resolver

    def __init__(
        self,
        policy: NetworkPolicy,
        settings: RunNetworkSettings,
        tools: NetworkTools,
        uid: int,
        gid: int,
    ) -> None:
        self.policy = policy
        self.settings = settings
        self.namespace = NamespaceNetwork(tools, uid, gid, ipv6=True)
        self.refusals = Refusals()
        self.never = host_addresses()
        self.check = AddressCheck(settings.allow_cidrs, self.never)
        self.resolver: Resolver | None = None
        self.child_pid = 0
        self._block_fd = self._go = -1

    async def take_launcher(self, launchers, cleanup: contextlib.ExitStack):
        """A launcher for this run alone, passed a pipe its bubblewrap waits on
        (--block-fd, bwrap_arguments()) until start() is done."""
        block_read, self._go = os.pipe2(os.O_CLOEXEC)
        cleanup.callback(close_quietly, self._go)
        try:
            launcher = await launchers.start_cold(pass_fds=(block_read,))
        finally:
            os.close(block_read)
        self._block_fd = block_read  # its number, as bubblewrap has it
        return launcher

    def bwrap_arguments(self) -> list[str]:
        return ["--block-fd", str(self._block_fd)]

    async def start(self, child_pid: int) -> None:
        """Connect the sandbox of `child_pid`, then let its program go."""
        try:
            await self.connect(child_pid)
        except BaseException:
            await self.close()
            raise
        os.write(self._go, b"go")

    @property
    def max_bytes(self) -> int | None:
        return self.policy.max_bytes

    async def connect(self, child_pid: int) -> None:
        self.child_pid = child_pid
        never = [*self.never, "169.254.169.254", "fd00:ec2::254"]
        await self.namespace.connect(child_pid, run_ruleset(self.policy, self.settings, never))
        allow_list = self.policy.mode is Network.ALLOW_LIST
        self.resolver = Resolver(
            policy=self.policy,
            upstream=upstream_resolver(self.settings.dns),
            check=self.check,
            refusals=self.refusals,
            handed_out=self._allow if allow_list else None,
        )
        await self.resolver.start(self.namespace.netns)

    async def _allow(self, addresses: list[str]) -> None:
        v4 = [a for a in addresses if ipaddress.ip_address(a).version == 4]
        v6 = [a for a in addresses if ipaddress.ip_address(a).version == 6]
        commands = "".join(
            f"add element inet {TABLE} {name} {{ {', '.join(found)} }}\n"
            for name, found in (("allowed4", v4), ("allowed6", v6))
            if found
        )
        await self.namespace.nft("-f", "-", input=commands.encode(), what="allow an address")

    def over_cap(self) -> bool:
        """Whether the run has sent and received its `max_bytes` (read from the kernel's
        counters of its interface: no process started)."""
        if self.policy.max_bytes is None or not self.child_pid:
            return False
        try:
            with open(f"/proc/{self.child_pid}/net/dev") as table:
                for line in table:
                    name, _, numbers = line.partition(":")
                    if name.strip() == "tap0":
                        fields = numbers.split()
                        return int(fields[0]) + int(fields[8]) >= self.policy.max_bytes
        except (OSError, ValueError, IndexError):
            pass
        return False

    async def account(self) -> NetworkAccount:
        """Bytes in and out, and what was refused: from the firewall's counters and sets
        (read while slirp4netns stops)."""
        listing, _ = await asyncio.gather(
            self.namespace.nft("-j", "list", "table", "inet", TABLE, what="count the traffic"),
            self.namespace.stop_forwarding(),
            return_exceptions=True,
        )
        try:
            listed = json.loads(listing) if isinstance(listing, str) else {}
        except ValueError:
            listed = {}  # the run's result is kept, with what the resolver counted
        counters, refused = {}, []
        for item in listed.get("nftables", []):
            if "counter" in item:
                counters[item["counter"]["name"]] = item["counter"]
            elif "set" in item and item["set"]["name"] in ("refused4", "refused6"):
                refused += item["set"].get("elem", [])
        count = counters.get("refused", {}).get("packets", 0)
        # Each element: {"elem": {"val": {"concat": [address, protocol, port]}, "expires": s}}
        # (the latest added expires last): oldest first, as they happened.
        ordered = sorted(refused, key=lambda e: -e.get("elem", {}).get("expires", 0))
        for element in ordered:
            address, protocol, port = element["elem"]["val"]["concat"]
            self.refusals.add(self._describe(address, protocol, port), count=0)
        self.refusals.count += count
        return NetworkAccount(
            bytes_in=counters.get("received", {}).get("bytes", 0),
            bytes_out=counters.get("sent", {}).get("bytes", 0),
            blocked_count=self.refusals.count,
            blocked=tuple(self.refusals.first),
        )

    def _describe(self, address: str, protocol: str, port: int) -> str:
        where = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        if protocol == "udp":
            where += "/udp"
        if (address, port) in self.settings.refused_endpoints:
            return f"{where} (the app's own service)"
        if reason := self.check.refusal(address):
            return f"{where} ({reason})"
        if port in (53, 853):
            return f"{where} (DNS to another resolver than the sandbox's)"
        return f"{where} (not an address of a name on the allow-list)"

    async def close(self) -> None:
        if self.resolver is not None:
            self.resolver.close()
        await self.namespace.close()
