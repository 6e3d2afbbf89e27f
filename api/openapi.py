"""The OpenAPI 3.1 document of the HTTP API, served at /api/openapi.json.

Built from the same constants the code uses (statuses, limits, request fields); the tests
compare it with the URL conf, the methods each route answers and the fields the run
endpoint accepts.
"""

from __future__ import annotations

from django.conf import settings

from api.run_request import MAX_PACKAGES
from api.selectors.executions import MAX_PAGE_SIZE
from sandboxes.limits import MAX_FILE_BYTES, MAX_FILES, MAX_VARIABLES
from sandboxes.models import Execution

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
        "The per-client request rate limit (`limit`: `rate`).",
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


def _schemas() -> dict:
    statuses = list(Execution.Status.values)
    end = {
        "type": "object",
        "required": ["executionId", "status", "exitCode", "duration", "error"],
        "properties": {
            "executionId": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "enum": statuses},
            "exitCode": _nullable("integer", description="The program's exit code."),
            "signal": _nullable("integer", description="The signal that killed it, if any."),
            "duration": _nullable("integer", description="Wall time in milliseconds."),
            "error": _nullable("string", description="Why it ended early, in words."),
            "outputTruncated": {"type": "boolean"},
        },
    }
    summary = {
        "allOf": [
            _ref("ExecutionEnd"),
            {
                "type": "object",
                "properties": {
                    "runtime": {"type": "string", "examples": ["python3.13"]},
                    "runtimeVersion": _nullable("string"),
                    "timeout": {"type": "integer", "description": "Seconds the run may last."},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "finishedAt": _nullable("string", format="date-time"),
                    "url": {"type": "string"},
                },
            },
        ]
    }
    result = {
        "allOf": [
            _ref("ExecutionSummary"),
            {
                "type": "object",
                "required": ["stdout", "stderr"],
                "properties": {
                    "stdout": {"type": "string"},
                    "stderr": {"type": "string"},
                    "cpuMs": _nullable("integer"),
                    "peakMemoryBytes": _nullable("integer"),
                    "packages": {"type": "array", "items": {"type": "string"}},
                    "timeline": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string", "enum": statuses},
                                "at": {"type": "string", "format": "date-time"},
                            },
                        },
                    },
                    "files": {
                        "type": "array",
                        "description": "Files the run created or changed.",
                        "items": {
                            "type": "object",
                            "properties": {
                                "path": {"type": "string"},
                                "size": {"type": "integer"},
                                "url": {"type": "string"},
                            },
                        },
                    },
                },
            },
        ]
    }
    return {
        "RunRequest": {
            "type": "object",
            "required": ["code"],
            "additionalProperties": False,
            "properties": {
                "runtime": {
                    "type": "string",
                    "default": "python",
                    "description": '"python", "node", or a version id such as "python3.12".',
                    "examples": ["python", "node", "python3.12"],
                },
                "code": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The entry file's content (main.py or index.js). "
                    f"At most {MAX_FILE_BYTES:,} bytes.",
                },
                "files": {
                    "type": "object",
                    "description": "More files: relative path -> text content "
                    f"(at most {MAX_FILES - 1}, {MAX_FILE_BYTES:,} bytes each).",
                    "additionalProperties": {"type": "string"},
                },
                "packages": {
                    "type": "array",
                    "maxItems": MAX_PACKAGES,
                    "items": {"type": "string"},
                    "description": "Packages to install before the run: PyPI specs for "
                    "Python (`pandas==2.*`), npm specs for Node (`zod@3`). No URLs, paths or "
                    "options. Installed once per set, then cached.",
                },
                "env": {
                    "type": "object",
                    "description": f"Environment variables (at most {MAX_VARIABLES}); "
                    "their values are never stored.",
                    "maxProperties": MAX_VARIABLES,
                    "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 128},
                    "additionalProperties": {"type": "string"},
                },
                "streaming": {
                    "type": "boolean",
                    "default": False,
                    "description": "Answer with Server-Sent Events instead of the result.",
                },
                "timeout": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "description": "Seconds; at most your tier's longest run (and the "
                    "compute time you have left).",
                },
            },
        },
        "ExecutionEnd": end,
        "SseEvent": {
            "type": "object",
            "description": "One event of a text/event-stream answer (see its description).",
            "required": ["id", "data"],
            "properties": {
                "id": {"type": "string", "examples": ["7", "0-running", "7-succeeded"]},
                "event": {"type": "string", "const": "message"},
                "data": {
                    "type": "string",
                    "contentMediaType": JSON,
                    "contentSchema": _ref("StreamEvent"),
                },
            },
        },
        "StreamEvent": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["type", "data"],
                    "properties": {
                        "type": {"type": "string", "enum": ["stdout", "stderr"]},
                        "data": {"type": "string"},
                    },
                },
                {
                    "type": "object",
                    "required": ["type", "status"],
                    "properties": {
                        "type": {"const": "status"},
                        "status": {"type": "string", "enum": statuses},
                    },
                },
                {
                    "allOf": [
                        _ref("ExecutionEnd"),
                        {
                            "type": "object",
                            "required": ["type"],
                            "properties": {"type": {"type": "string", "enum": ["exit", "error"]}},
                        },
                    ]
                },
            ]
        },
        "ExecutionSummary": summary,
        "ExecutionResult": result,
        "ExecutionList": {
            "type": "object",
            "required": ["executions", "next"],
            "properties": {
                "executions": {"type": "array", "items": _ref("ExecutionSummary")},
                "next": _nullable("string", description="The next (older) page."),
            },
        },
        "CancelAccepted": {
            "type": "object",
            "properties": {
                "executionId": {"type": "string", "format": "uuid"},
                "accepted": {"type": "boolean"},
                "status": {"type": "string", "enum": statuses},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {"type": "string"},
                "field": _nullable("string", description="The request field at fault."),
            },
        },
        "TooManyRequests": {
            "type": "object",
            "required": ["error", "limit"],
            "properties": {
                "error": {"type": "string"},
                "limit": {
                    "type": "string",
                    "enum": ["monthly_executions", "compute_seconds", "concurrency", "rate"],
                },
                "resetsAt": _nullable("string", format="date-time"),
                "executionId": _nullable(
                    "string", format="uuid", description="The refused run (kept as rejected)."
                ),
            },
        },
    }


def _paths() -> dict:
    return {
        "/api/sandbox": {
            "post": {
                "operationId": "runCode",
                "summary": "Run code in a fresh sandbox",
                "description": "Without `streaming`, waits for the end and answers with the "
                "result (a program that exits non-zero is still a 200). With "
                "`streaming: true`, answers with the run's events as they happen.",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("RunRequest")}},
                },
                "responses": {
                    "200": {
                        "description": "The result, or (streaming) the event stream.",
                        "headers": {**_QUOTA_HEADERS, **_RATE_HEADERS},
                        "content": {
                            JSON: {"schema": _ref("ExecutionResult")},
                            SSE: {"schema": _ref("SseEvent"), "description": EVENTS_DESCRIPTION},
                        },
                    },
                    "400": _error("Invalid request; `field` names the field."),
                    **_COMMON_ERRORS,
                    "403": _error("A session request without its CSRF token."),
                    "413": _error(f"The body is over {settings.API_MAX_BODY_BYTES:,} bytes."),
                    "429": _json(
                        _ref("TooManyRequests"),
                        "A quota stops the run (`limit` says which, `resetsAt` when it "
                        "frees up), or the request rate limit.",
                        headers={"Retry-After": {"schema": {"type": "integer"}}},
                    ),
                },
            }
        },
        "/api/executions": {
            "get": {
                "operationId": "listExecutions",
                "summary": "Your runs, newest first",
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "description": "Only runs with these statuses (comma-separated).",
                        "schema": {"type": "string"},
                        "examples": {"failed": {"value": "failed,timed_out"}},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "description": "From a page's `next` link (the last run's id).",
                        "schema": {"type": "string", "format": "uuid"},
                    },
                ],
                "responses": {
                    "200": _json(_ref("ExecutionList"), "A page of runs.", _RATE_HEADERS),
                    "400": _error("An unknown status, a bad limit or cursor."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/executions/{execution_id}": {
            "get": {
                "operationId": "getExecution",
                "summary": "A run's status and result",
                "parameters": [_EXECUTION_ID],
                "responses": {
                    "200": _json(_ref("ExecutionResult"), "The run.", _RATE_HEADERS),
                    "404": _error("No such run of yours."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/executions/{execution_id}/events": {
            "get": {
                "operationId": "streamExecutionEvents",
                "summary": "A run's events (Server-Sent Events), resumable",
                "parameters": [
                    _EXECUTION_ID,
                    {
                        "name": "Last-Event-ID",
                        "in": "header",
                        "description": "The id of the last event you received.",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The events after `Last-Event-ID` (all without it).",
                        "content": {
                            SSE: {"schema": _ref("SseEvent"), "description": EVENTS_DESCRIPTION}
                        },
                    },
                    "204": {"description": "You have already seen the final event."},
                    "400": _error("`Last-Event-ID` is not an id of this stream."),
                    "404": _error("No such run of yours."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/executions/{execution_id}/cancel": {
            "post": {
                "operationId": "cancelExecution",
                "summary": "Stop a run",
                "parameters": [_EXECUTION_ID],
                "responses": {
                    "202": _json(_ref("CancelAccepted"), "Stopping.", _RATE_HEADERS),
                    "403": _error("A session request without its CSRF token."),
                    "404": _error("No such run of yours."),
                    "409": _error("The run has already ended."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/executions/{execution_id}/files/{path}": {
            "get": {
                "operationId": "getExecutionFile",
                "summary": "A file the run created or changed",
                "parameters": [
                    _EXECUTION_ID,
                    {
                        "name": "path",
                        "in": "path",
                        "required": True,
                        "description": "The file's path in the workspace (may hold `/`).",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The file's bytes.",
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },
                    "404": _error("No such run of yours, or no such file."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {JSON: {}}}},
            }
        },
    }


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
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
            "schemas": _schemas(),
        },
    }
