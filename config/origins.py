"""Which pages may open a websocket: those of this very site.

A browser sends a page's cookies with any websocket it opens, whatever site the page is
on; the Origin header is what gives another site away. Channels'
AllowedHostsOriginValidator compares only the host name, so a page served from another port
or scheme of an allowed host (`http://127.0.0.1:9999`, anything a user runs there) could
watch and cancel a victim's runs. This compares the whole origin (scheme, host and port)
with the site's own, as Django's CSRF check does for forms.
"""

from __future__ import annotations

from urllib.parse import urlparse

from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host


class SameOriginValidator(OriginValidator):
    """Admit a websocket whose Origin is the site it connects to (its Host, on the scheme
    it arrived by), or one of CSRF_TRUSTED_ORIGINS; the Host must be in ALLOWED_HOSTS."""

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator only guards websockets.")
        headers = {
            name.decode("latin1").lower(): value.decode("latin1")
            for name, value in scope.get("headers", [])
        }
        origin = headers.get("origin")
        allowed = _allowed_origins(scope, headers)
        if origin and any(self.match_allowed_origin(urlparse(origin), a) for a in allowed):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)


def _allowed_origins(scope, headers: dict[str, str]) -> list[str]:
    host = headers.get("host", "").lower()
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return list(settings.CSRF_TRUSTED_ORIGINS)
    scheme = "https" if _is_secure(scope, headers) else "http"
    return [f"{scheme}://{host}", *settings.CSRF_TRUSTED_ORIGINS]


def _is_secure(scope, headers: dict[str, str]) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    if settings.SECURE_PROXY_SSL_HEADER:  # HTTPS=true behind a proxy, as Django reads it
        header, value = settings.SECURE_PROXY_SSL_HEADER
        name = header.removeprefix("HTTP_").replace("_", "-").lower()
        return headers.get(name, "").split(",")[0].strip() == value
    return False
