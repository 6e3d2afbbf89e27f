"""ASGI entry point: HTTP goes to Django, websockets to Channels consumers.

Wired as the Channels tutorial does it: origin validation around session authentication
around the URL router (the validator compares the whole origin: config/origins.py).
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Initialise Django (and the app registry) before importing anything that uses models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.body_limit import RequestBodyLimit  # noqa: E402
from config.origins import SameOriginValidator  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from sandboxes.runs.dispatch import bind_dispatcher_to_server_loop  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
# Executions run as tasks of the server's own event loop (the embedded dispatcher).
application = bind_dispatcher_to_server_loop(application)
