"""Judge0 CE's API (`/judge0/`): the subset its official SDK and typical clients use. Each
submission is an ordinary execution of the caller's (source "judge0"); its token is the
execution's id."""

from __future__ import annotations

import functools
import json
import uuid

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from api.body import request_body
from api.endpoint import api_error_of
from api.errors import ApiError
from compat.endpoint import compat_endpoint, with_headers
from compat.judge0.config import judge0_about, judge0_config
from compat.judge0.languages import judge0_language, judge0_language_name, judge0_languages
from compat.judge0.results import judge0_statuses, judge0_submission
from compat.judge0.services import judge0_submission_start
from compat.judge0.submissions import Limits, fields_parse, judge0_request_parse
from compat.models import Judge0Submission
from compat.runtimes import languages_available
from compat.selectors import run_output
from quotas.selectors import quota_get, quota_max_timeout
from sandboxes.models import Execution
from sandboxes.runs.reader import wait_for_end

MAX_BATCH = 20


def _credentials(request: HttpRequest) -> str | None:
    return request.headers.get("X-Auth-Token")


def _render(error: ApiError) -> HttpResponse:
    """Judge0's shapes: 422 {field: [message]} for a field at fault, else {"error": ...}."""
    if error.status == 400 and error.fields.get("field"):
        body, status = {error.fields["field"]: [error.message]}, 422
    else:
        body, status = {"error": error.message}, error.status
    return with_headers(JsonResponse(body, status=status), error)


judge0_endpoint = functools.partial(
    compat_endpoint, credentials=_credentials, render=_render, header="X-Auth-Token"
)


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "false").lower() == "true"


@judge0_endpoint("GET")
async def about(request: HttpRequest) -> HttpResponse:
    return JsonResponse(judge0_about())


@judge0_endpoint("GET")
async def config_info(request: HttpRequest) -> HttpResponse:
    return JsonResponse(await sync_to_async(judge0_config)(user=request.user))


@judge0_endpoint("GET")
async def statuses(request: HttpRequest) -> HttpResponse:
    return JsonResponse(judge0_statuses(), safe=False)


@judge0_endpoint("GET")
async def languages(request: HttpRequest) -> HttpResponse:
    known = judge0_languages(await sync_to_async(languages_available)())
    listed = [{"id": id_, "name": judge0_language_name(lang)} for id_, lang in known.items()]
    return JsonResponse(listed, safe=False)


@judge0_endpoint("GET")
async def language(request: HttpRequest, language_id: int) -> HttpResponse:
    known = judge0_languages(await sync_to_async(languages_available)())
    if language_id not in known:
        raise ApiError(404, f"language with id {language_id} doesn't exist")
    return JsonResponse(judge0_language(language_id, known[language_id]))


@judge0_endpoint("POST")
async def submissions(request: HttpRequest) -> HttpResponse:
    """201 {"token"}; with ?wait=true, 201 with the ended submission."""
    fields = fields_parse(request.GET.get("fields"))
    encoded = _flag(request, "base64_encoded")
    data = _json(request)
    execution = await sync_to_async(_start)(request.user, data, encoded)
    if not _flag(request, "wait"):
        return JsonResponse({"token": str(execution.pk)}, status=201)
    await wait_for_end(execution.pk)
    answer = await sync_to_async(_answers)(request.user, [execution.pk], fields, encoded)
    return JsonResponse(answer[0], status=201)


@judge0_endpoint("GET")
async def submission(request: HttpRequest, token: str) -> HttpResponse:
    fields = fields_parse(request.GET.get("fields"))
    answer = await sync_to_async(_answers)(
        request.user, [token], fields, _flag(request, "base64_encoded")
    )
    if answer[0] is None:
        raise ApiError(404, "submission not found")
    return JsonResponse(answer[0])


@judge0_endpoint("GET", "POST")
async def batch(request: HttpRequest) -> HttpResponse:
    """POST {"submissions": [...]}: 201 [{"token"} or that submission's errors, in order].
    GET ?tokens=a,b: {"submissions": [each, or null if unknown]}."""
    encoded = _flag(request, "base64_encoded")
    if request.method == "GET":
        tokens = [t for t in request.GET.get("tokens", "").split(",") if t.strip()]
        if not tokens or len(tokens) > MAX_BATCH:
            raise ApiError(400, f"give between 1 and {MAX_BATCH} tokens in `tokens`")
        fields = fields_parse(request.GET.get("fields"))
        answers = await sync_to_async(_answers)(request.user, tokens, fields, encoded)
        return JsonResponse({"submissions": answers})
    data = _json(request)
    items = data.get("submissions") if isinstance(data, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
        raise ApiError(400, f"`submissions` must be a list of 1 to {MAX_BATCH} submissions")
    created = [
        await sync_to_async(_start_or_refusal)(request.user, item, encoded) for item in items
    ]
    return JsonResponse(created, status=201, safe=False)


def _json(request: HttpRequest):
    try:
        return json.loads(request_body(request))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "the body is not valid JSON") from None


def _start(user, data, encoded: bool) -> Execution:
    request = judge0_request_parse(
        data,
        base64_encoded=encoded,
        languages=languages_available(),
        limits=Limits(
            max_seconds=quota_max_timeout(user=user),
            max_memory_kb=quota_get(user=user).limits.memory_mb_max * 1024,
        ),
    )
    return judge0_submission_start(user=user, request=request)


def _start_or_refusal(user, data, encoded: bool) -> dict:
    """A batch goes on past a refused submission: its place holds Judge0's error body."""
    try:
        return {"token": str(_start(user, data, encoded).pk)}
    except Exception as error:  # noqa: BLE001 (api_error_of re-raises what is not ours)
        return json.loads(_render(api_error_of(error)).content)


def _answers(user, tokens: list, fields: tuple[str, ...], encoded: bool) -> list[dict | None]:
    ids = {}
    for token in tokens:
        try:
            ids[str(uuid.UUID(str(token)))] = None
        except ValueError:
            continue
    runs = Execution.objects.filter(owner=user, source=Execution.Source.JUDGE0, pk__in=list(ids))
    judges = {j.execution_id: j for j in Judge0Submission.objects.filter(execution__in=runs)}
    names = {
        id_: judge0_language_name(lang)
        for id_, lang in judge0_languages(languages_available()).items()
    }
    found = {str(run.pk): run for run in runs}
    answers = []
    for token in tokens:
        run = found.get(str(token).strip().lower())
        if run is None:
            answers.append(None)
            continue
        judge = judges.get(run.pk)
        answers.append(
            judge0_submission(
                run,
                judge,
                run_output(execution_id=run.pk),
                fields=fields,
                base64_encoded=encoded,
                language_name=names.get(judge.language_id) if judge else None,
            )
        )
    return answers
