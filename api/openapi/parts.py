"""Pieces the OpenAPI document repeats: JSON bodies, errors, headers, ids."""

from __future__ import annotations

JSON = "application/json"
SSE = "text/event-stream"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _error(description: str) -> dict:
    return _json(_ref("Error"), description, headers=_RATE_HEADERS)


def _nullable(schema_type: str, **extra) -> dict:
    return {"type": [schema_type, "null"], **extra}


_RATE_HEADERS = {
    "X-RateLimit-Limit": {"schema": {"type": "integer"}, "description": "Requests per window."},
    "X-RateLimit-Remaining": {"schema": {"type": "integer"}},
    "X-RateLimit-Reset": {
        "schema": {"type": "integer"},
        "description": "Seconds to the next window.",
    },
}
_QUOTA_HEADERS = {
    "X-Quota-Runs-Remaining": {
        "schema": {"type": "string"},
        "description": 'Runs left this period (a number, or "unlimited").',
    },
    "X-Quota-Compute-Seconds-Remaining": {
        "schema": {"type": "string"},
        "description": 'Compute seconds left this period (a number, or "unlimited").',
    },
    "X-Quota-Resets-At": {"schema": {"type": "string", "format": "date-time"}},
    "X-Execution-Id": {"schema": {"type": "string", "format": "uuid"}},
}
_COMMON_ERRORS = {
    "401": _error("No token, a bad or revoked token, and no signed-in session."),
    "429": _json(
        _ref("TooManyRequests"),
        "The per-client request rate limit (`limit`: `rate`), or too many invalid tokens "
        "from this address (`limit`: `login`).",
        headers={"Retry-After": {"schema": {"type": "integer"}}, **_RATE_HEADERS},
    ),
}
_EXECUTION_ID = {
    "name": "execution_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}

EVENTS_DESCRIPTION = """\
Server-Sent Events. Every event has an `id:` and one `data:` line holding a JSON object:

- `{"type": "stdout" | "stderr", "data": "..."}`: one output chunk; its id is the chunk's
  sequence number (`"7"`);
- `{"type": "status", "status": "queued" | "preparing" | "running"}`: id `"<seq>-<status>"`,
  seq being the last chunk sent before it (`"0-running"`);
- last, `{"type": "exit", ...}` (the program ran to an end: exit code, timeout, limit,
  cancel) or `{"type": "error", ...}` (the service failed to run it), with the fields of
  `ExecutionEnd`; id `"<seq>-<status>"` (`"7-succeeded"`). The stream ends after it.

Comments (`: keep-alive`) are sent when nothing happened for 15 s. Send the last id you
received as `Last-Event-ID` to `GET /api/executions/{execution_id}/events` to get exactly the
events you missed."""
