"""A run's network policy: none, the public internet, or an allow-list of domain names.

What a policy says, checked and normalised here; how it is enforced lives with the
engine's run network. Every policy refuses private, loopback, link-local and the host's
own addresses, whatever it allows: the policy only ever narrows what public addresses a
run may reach.

Domain patterns are lower-case names (`api.github.com`) or a wildcard for every name
under one (`*.pypi.org` matches `files.pypi.org` and `a.b.pypi.org`, not `pypi.org`).
A deny-list wins over the allow-list; with `internet` it refuses names the run could
otherwise reach.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvalidSpec

MAX_PATTERNS = 100  # per list
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class Network(enum.StrEnum):
    NONE = "none"
    INTERNET = "internet"
    ALLOW_LIST = "allow_list"


def domain_pattern(pattern: str, *, field: str = "domain") -> str:
    """`pattern` normalised (lower case, IDNA, no trailing dot), or InvalidSpec naming `field`."""
    if not isinstance(pattern, str):
        raise InvalidSpec(f"{field}: a domain must be a string")
    text = pattern.strip().lower().rstrip(".")
    wildcard = text.startswith("*.")
    name = text[2:] if wildcard else text
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    else:
        raise InvalidSpec(f"{field}: {pattern!r} is an address; list domain names")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidSpec(f"{field}: {pattern!r} is not a valid domain name") from None
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        raise InvalidSpec(
            f"{field}: {pattern!r} is not a domain name such as api.example.com or "
            "*.example.com (a wildcard only as the first label)"
        )
    return f"*.{name}" if wildcard else name


def _patterns(patterns: Iterable[str], field: str) -> tuple[str, ...]:
    if isinstance(patterns, str):
        raise InvalidSpec(f"{field} must be a list of domains, not one string")
    normalised = tuple(dict.fromkeys(domain_pattern(p, field=field) for p in patterns))
    if len(normalised) > MAX_PATTERNS:
        raise InvalidSpec(f"{field} lists {len(normalised)} domains; at most {MAX_PATTERNS}")
    return normalised


def pattern_matches(pattern: str, name: str) -> bool:
    name = name.lower().rstrip(".")
    if pattern.startswith("*."):
        return name.endswith(pattern[1:])
    return name == pattern


@dataclass(frozen=True)
class NetworkPolicy:
    """What a run may reach. `max_bytes` caps bytes in and out together (None: no cap)."""

    mode: Network = Network.NONE
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    max_bytes: int | None = None

    def __post_init__(self) -> None:
        try:
            mode = Network(self.mode)
        except ValueError:
            choices = ", ".join(n.value for n in Network)
            raise InvalidSpec(f"network must be one of {choices}, not {self.mode!r}") from None
        allow = _patterns(self.allow, "network.allow")
        deny = _patterns(self.deny, "network.deny")
        if mode is Network.ALLOW_LIST and not allow:
            raise InvalidSpec("network.allow must list at least one domain")
        if mode is not Network.ALLOW_LIST and allow:
            raise InvalidSpec(f"network.allow only applies to an allow-list, not {mode.value}")
        if mode is Network.NONE and deny:
            raise InvalidSpec("network.deny does not apply when the network is none")
        if self.max_bytes is not None and self.max_bytes <= 0:
            raise InvalidSpec("network.max_bytes must be greater than 0")
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "allow", allow)
        object.__setattr__(self, "deny", deny)

    @classmethod
    def coerce(cls, value: NetworkPolicy | Network | str) -> NetworkPolicy:
        """A policy from a policy, or from a bare mode ("none", "internet")."""
        return value if isinstance(value, NetworkPolicy) else cls(mode=value)

    @property
    def enabled(self) -> bool:
        return self.mode is not Network.NONE

    def allows_name(self, name: str) -> bool:
        """Whether a run under this policy may resolve and reach `name`."""
        if self.mode is Network.NONE:
            return False
        if any(pattern_matches(p, name) for p in self.deny):
            return False
        if self.mode is Network.INTERNET:
            return True
        return any(pattern_matches(p, name) for p in self.allow)
