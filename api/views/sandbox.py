"""`POST /api/sandbox`: run code, answering with the result or a stream of its events."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from api.body import request_body
from api.endpoint import api_endpoint
from api.feed import ExecutionFeed
from api.representations import execution_result, quota_headers
from api.run_request import run_request_parse
from api.selectors.executions import execution_files, execution_output
from api.services.runs import api_run_start
from api.sse import sse_response
from sandboxes.models import Execution
from sandboxes.runs.reader import wait_for_end


@api_endpoint("POST")
async def run(request: HttpRequest) -> HttpResponse:
    """Non-streaming: wait for the end, then 200 with the result (a program that exits
    non-zero is still a 200). Streaming: 200 text/event-stream, from the first status to
    the final event. Either way the run itself is detached: it goes on if the client
    goes away, and `GET /api/executions/<id>` has it."""
    parsed = run_request_parse(request_body(request))
    user = request.user
    quota = request.api_client.quota
    execution = await sync_to_async(api_run_start)(user=user, run=parsed, quota=quota)
    headers = {"X-Execution-Id": str(execution.pk)}
    if parsed.streaming:
        headers |= await sync_to_async(quota_headers)(user=user)
        return sse_response(ExecutionFeed(execution.pk), **headers)
    await wait_for_end(execution.pk)
    result, quota = await sync_to_async(_result)(execution.pk, user)
    return JsonResponse(result, headers=headers | quota)


def _result(execution_id, user) -> tuple[dict, dict[str, str]]:
    execution = Execution.objects.get(pk=execution_id)
    result = execution_result(
        execution,
        output=execution_output(execution=execution),
        files=execution_files(execution=execution),
    )
    return result, quota_headers(user=user)
