"""The OpenAPI 3.1 document of the HTTP API, served at /api/openapi.json.

Built from the same constants the code uses (statuses, limits, request fields); the tests
compare it with the URL conf, the methods each route answers and the fields the run
endpoint accepts. Split by part: parts.py (shared pieces), schemas.py, paths.py.
"""

from __future__ import annotations

from api.openapi.paths import paths
from api.openapi.schemas import schemas


def openapi() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Code Sandboxes API",
            "version": "1",
            "description": "Run Python and Node.js code in isolated sandboxes. Authenticate "
            "with `Authorization: Bearer <token>` (create tokens on your account page). "
            'Errors are JSON: `{"error": message, ...}`.',
        },
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
            "schemas": schemas(),
        },
    }
