"""Who may read /metrics: a bearer token (METRICS_TOKEN), or a listed client address
(METRICS_ALLOWED_IPS). With neither set /metrics is off: loopback would not be a safe
default, since behind a reverse proxy on the same host every request comes from it."""

from __future__ import annotations

import ipaddress
import secrets
from enum import Enum

from django.conf import settings


class Access(Enum):
    ALLOWED = "allowed"
    DISABLED = "disabled"  # nothing configured
    UNAUTHENTICATED = "unauthenticated"  # no (or a wrong) token, from an unlisted address


def metrics_access(request) -> Access:
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS
    if not token and not networks:
        return Access.DISABLED
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        given = given.strip().encode()
        if scheme.lower() == "bearer" and secrets.compare_digest(given, token.encode()):
            return Access.ALLOWED
    if networks and all(_address_in(address, networks) for address in _addresses(request)):
        return Access.ALLOWED
    return Access.UNAUTHENTICATED


def _addresses(request) -> list[str]:
    """Every address the request came from or through: the peer (REMOTE_ADDR) and each
    one in X-Forwarded-For. All must be allowed. Daphne's --proxy-headers makes REMOTE_ADDR
    the header's first address, which the client itself may have written (nginx appends
    the real one after it); without it, REMOTE_ADDR is the proxy's, which must not let
    everyone behind the proxy in."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded_for = [address.strip() for address in forwarded.split(",") if address.strip()]
    return [request.META.get("REMOTE_ADDR", ""), *forwarded_for]


def _address_in(address: str, networks: list[str]) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network, strict=False) for network in networks)
