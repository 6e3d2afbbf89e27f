"""`GET /api/executions/<id>/events`: a run's events as Server-Sent Events, resumable."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse

from api.endpoint import api_endpoint
from api.errors import ApiError
from api.feed import Cursor, ExecutionFeed, InvalidCursor
from api.sse import sse_response
from sandboxes.selectors import execution_get


@api_endpoint("GET")
async def execution_events(request: HttpRequest, execution_id) -> HttpResponse:
    """From the start, or after the `Last-Event-ID` header's event: exactly the events the
    client has not seen. 204 when it has seen the end (an EventSource stops reconnecting)."""
    await sync_to_async(execution_get)(user=request.user, execution_id=execution_id)
    try:
        feed = ExecutionFeed(execution_id, Cursor.parse(request.headers.get("Last-Event-ID")))
        if not await feed.remaining():
            return HttpResponse(status=204)
    except InvalidCursor as error:
        raise ApiError(400, str(error), field="Last-Event-ID") from None
    return sse_response(feed)
