"""Network for an install sandbox: package registries through slirp4netns, private
addresses blocked (the plumbing and the blocked ranges are netns.py's).

An install's rules refuse every always-blocked range and this host's own addresses; only
slirp's DNS forwarder (10.0.2.3:53) is allowed among them. A run's policy never widens
this: installs have their own network whatever the run asks for. If slirp4netns, nft or
nsenter is missing, installs are refused (fail closed); runs without packages do not need
any of them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ..netns import (
    BLOCKED_V4,
    BLOCKED_V6,
    SLIRP_DNS,
    NamespaceNetwork,
    NetworkTools,
    host_addresses,
)

__all__ = ["BLOCKED_V4", "BLOCKED_V6", "InstallNetwork", "NetworkTools", "host_addresses"]

RESOLV_CONF = f"nameserver {SLIRP_DNS}\noptions timeout:2 attempts:3\n"
REFUSED = "package installs are refused"


def ruleset(extra_blocked: Iterable[str] = ()) -> str:
    """The install namespace's firewall (nft -f syntax)."""
    v4 = list(BLOCKED_V4)
    v6 = list(BLOCKED_V6)
    for address in extra_blocked:
        parsed = ipaddress.ip_address(address)
        blocked = v4 if parsed.version == 4 else v6
        if not any(parsed in ipaddress.ip_network(network) for network in blocked):
            blocked.append(str(parsed))
    return (
        "table inet codesandboxes {\n"
        "  chain output {\n"
        "    type filter hook output priority 0; policy accept;\n"
        f"    ip daddr {SLIRP_DNS} meta l4proto {{ tcp, udp }} th dport 53 accept\n"
        f"    ip daddr {{ {', '.join(v4)} }} drop\n"
        f"    ip6 daddr {{ {', '.join(v6)} }} drop\n"
        "  }\n"
        "}\n"
    )


class InstallNetwork(NamespaceNetwork):
    """The network of one install sandbox; `close()` takes it down."""

    async def connect(self, child_pid: int, rules: str | None = None) -> None:
        await super().connect(child_pid, ruleset(host_addresses()) if rules is None else rules)
