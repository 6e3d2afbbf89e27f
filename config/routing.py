"""Websocket routes."""

from __future__ import annotations

from django.urls import path

from sandboxes.consumers import ExecutionConsumer

websocket_urlpatterns = [
    path(
        "ws/executions/<uuid:execution_id>/", ExecutionConsumer.as_asgi(), name="execution_socket"
    ),
]
# So that reverse(..., urlconf="config.routing") names a socket's path, as for a page's.
urlpatterns = websocket_urlpatterns
