"""Piston API v2 (`/piston/api/v2/`): `GET /runtimes` and `POST /execute`, each run an
ordinary execution of the caller's (same quota, isolation and history; source "piston")."""

from __future__ import annotations

import functools

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from api.body import request_body
from api.errors import ApiError
from compat.endpoint import compat_endpoint, with_headers
from compat.piston.execute import PistonRun, piston_result, piston_run_parse, piston_runtime
from compat.runtimes import languages_available
from compat.selectors import run_output
from quotas.selectors import quota_get, quota_max_timeout
from sandboxes.models import Execution
from sandboxes.runs.reader import wait_for_end
from sandboxes.runs.start import execution_start

MiB = 1024 * 1024


def _credentials(request: HttpRequest) -> str | None:
    """Piston's clients send the key as the whole header; `Bearer <token>` works too."""
    header = request.headers.get("Authorization", "").strip()
    scheme, _, rest = header.partition(" ")
    return rest if scheme.lower() == "bearer" and rest else header


def _render(error: ApiError) -> HttpResponse:
    """Piston answers every refusal as {"message": ...}."""
    return with_headers(JsonResponse({"message": error.message}, status=error.status), error)


piston_endpoint = functools.partial(
    compat_endpoint, credentials=_credentials, render=_render, header="Authorization"
)


@piston_endpoint("GET")
async def runtimes(request: HttpRequest) -> HttpResponse:
    languages = await sync_to_async(languages_available)()
    return JsonResponse([piston_runtime(language) for language in languages], safe=False)


@piston_endpoint("POST")
async def execute(request: HttpRequest) -> HttpResponse:
    """Waits for the run's end, then answers with its output (a program that fails is
    still a 200, as in Piston)."""
    run, execution = await sync_to_async(_start)(request)
    await wait_for_end(execution.pk)
    result = await sync_to_async(_result)(execution.pk, run)
    return JsonResponse(result, headers={"X-Execution-Id": str(execution.pk)})


def _start(request: HttpRequest) -> tuple[PistonRun, Execution]:
    user = request.user
    run = piston_run_parse(
        request_body(request),
        languages=languages_available(),
        max_timeout_ms=quota_max_timeout(user=user) * 1000,
        memory_limit=quota_get(user=user).limits.memory_mb_max * MiB,
    )
    execution = execution_start(
        user=user,
        runtime=run.language.runtime.id,
        files=run.files,
        entry=run.entry,
        args=run.args,
        stdin=run.stdin,
        timeout_seconds=run.timeout_seconds,
        memory_mb=run.memory_mb,
        source=Execution.Source.PISTON,
    )
    return run, execution


def _result(execution_id, run: PistonRun) -> dict:
    execution = Execution.objects.get(pk=execution_id)
    return piston_result(execution, run_output(execution_id=execution_id), run.language)
