"""Websocket routes. The live-output consumer arrives with the live-runs feature."""

from __future__ import annotations

websocket_urlpatterns: list = []
