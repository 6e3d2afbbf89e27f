"""The paths of the OpenAPI document: one entry per route, with its methods."""

from __future__ import annotations

from django.conf import settings

from api.openapi.parts import (
    _COMMON_ERRORS,
    _EXECUTION_ID,
    _QUOTA_HEADERS,
    _RATE_HEADERS,
    EVENTS_DESCRIPTION,
    JSON,
    SSE,
    _error,
    _json,
    _ref,
)
from api.selectors.executions import MAX_PAGE_SIZE


def paths() -> dict:
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
                    "503": _json(
                        _ref("Error"),
                        "The operators have paused new runs for everyone (the kill switch); "
                        "`error` is their message, `Retry-After` a hint.",
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
        "/api/executions/{execution_id}/stdin": {
            "post": {
                "operationId": "writeExecutionStdin",
                "summary": "Write to an interactive run's standard input",
                "description": "For a run started with `interactive: true`, once it is "
                "preparing or running. What is written is recorded in the run's output as "
                "`stdin` events (where the program got it); the program's answer arrives on "
                "its events. `eof: true` closes stdin (the program reads end-of-file).",
                "parameters": [_EXECUTION_ID],
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("StdinWrite")}},
                },
                "responses": {
                    "202": _json(_ref("StdinAccepted"), "Handed to the run.", _RATE_HEADERS),
                    "400": _error("Invalid request; `field` names the field."),
                    "403": _error("A session request without its CSRF token."),
                    "404": _error("No such run of yours."),
                    "409": _error(
                        "Its stdin cannot take this: the run is not interactive, has not "
                        "started yet, or has ended (`status` says which)."
                    ),
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
