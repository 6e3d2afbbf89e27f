"""The HTTP API (mounted under /api/). The OpenAPI document lists exactly these routes
(tests/api/test_openapi.py compares them)."""

from __future__ import annotations

from django.urls import path, re_path, register_converter

from api.views import events, executions, sandbox, schema, stdin


class AnyPath:
    """Like <path:...>, line breaks included: a program may name its files anything."""

    regex = "(?s:.+)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnyPath, "anypath")

urlpatterns = [
    path("sandbox", sandbox.run, name="api_run"),
    path("executions", executions.execution_list, name="api_executions"),
    path("executions/<uuid:execution_id>", executions.execution_detail, name="api_execution"),
    path(
        "executions/<uuid:execution_id>/events",
        events.execution_events,
        name="api_execution_events",
    ),
    path(
        "executions/<uuid:execution_id>/cancel",
        executions.execution_stop,
        name="api_execution_cancel",
    ),
    path(
        "executions/<uuid:execution_id>/stdin",
        stdin.execution_stdin,
        name="api_execution_stdin",
    ),
    path(
        "executions/<uuid:execution_id>/files/<anypath:path>",
        executions.execution_file,
        name="api_execution_file",
    ),
    path("openapi.json", schema.openapi_document, name="api_openapi"),
    # Anything else under /api/ is a JSON 404, not an HTML page.
    re_path(r"^", schema.not_found, name="api_not_found"),
]
