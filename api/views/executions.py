"""A user's runs: the list, one run, stopping one, and the files a run produced."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.csp import CSP
from django.utils.http import urlencode
from django.views.decorators.csp import csp_override

from api.endpoint import api_endpoint
from api.errors import ApiError
from api.representations import execution_result, execution_summary
from api.selectors.executions import (
    MAX_PAGE_SIZE,
    execution_file_get,
    execution_files,
    execution_output,
    execution_page,
)
from blobs.responses import StoredFileResponse
from config.numbers import ascii_int
from sandboxes.models import Execution
from sandboxes.runs.cancel import execution_cancel
from sandboxes.selectors import execution_get

DEFAULT_PAGE_SIZE = 20


@api_endpoint("GET")
def execution_list(request: HttpRequest) -> HttpResponse:
    """Own runs, newest first; `?status=failed,timed_out`, `?limit=`, `?cursor=`."""
    statuses = _statuses(request.GET.getlist("status"))
    limit = _limit(request.GET.get("limit"))
    page = execution_page(
        user=request.user, statuses=statuses, cursor=request.GET.get("cursor"), limit=limit
    )
    following = None
    if page.next_cursor is not None:
        query = {"limit": limit, "cursor": page.next_cursor}
        if statuses:
            query["status"] = ",".join(statuses)
        following = f"{request.path}?{urlencode(query)}"
    return JsonResponse(
        {"executions": [execution_summary(e) for e in page.executions], "next": following}
    )


@api_endpoint("GET")
def execution_detail(request: HttpRequest, execution_id) -> HttpResponse:
    execution = execution_get(user=request.user, execution_id=execution_id)
    result = execution_result(
        execution,
        output=execution_output(execution=execution),
        files=execution_files(execution=execution),
    )
    return JsonResponse(result)


@api_endpoint("POST")
def execution_stop(request: HttpRequest, execution_id) -> HttpResponse:
    """202 when the run is being stopped; 409 when it had already ended."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    if not execution_cancel(execution=execution):
        execution.refresh_from_db(fields=["status"])
        raise ApiError(
            409,
            f"This run has already ended ({execution.get_status_display()}).",
            status=execution.status,
        )
    execution.refresh_from_db(fields=["status"])
    return JsonResponse(
        {"executionId": str(execution.pk), "accepted": True, "status": execution.status},
        status=202,
    )


@api_endpoint("GET")
@csp_override({"default-src": [CSP.NONE], "sandbox": True})
def execution_file(request: HttpRequest, execution_id, path: str) -> HttpResponse:
    """A file the run wrote, as bytes (always a download: it is the program's content)."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    file = execution_file_get(execution=execution, path=path)
    if file is None:
        raise ApiError(404, f"This run produced no file {path!r}.")
    return StoredFileResponse(
        file.open(),
        content_type="application/octet-stream",
        as_attachment=True,
        filename=PurePosixPath(file.path).name,
    )


def _statuses(values: list[str]) -> list[str]:
    statuses = [s.strip() for value in values for s in value.split(",") if s.strip()]
    known = set(Execution.Status.values)
    for status in statuses:
        if status not in known:
            raise ValidationError(
                {"status": f"Unknown status {status!r}; one of: {', '.join(sorted(known))}."}
            )
    return statuses


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    limit = ascii_int(value)
    if limit is None or not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError({"limit": f"`limit` is a number from 1 to {MAX_PAGE_SIZE}."})
    return limit
