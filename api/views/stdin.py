"""`POST /api/executions/<id>/stdin`: write to an interactive run's standard input."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse

from api.body import request_body
from api.endpoint import api_endpoint
from api.errors import ApiError
from sandboxes.runs.stdin import StdinRefused, execution_stdin_write

FIELDS = frozenset({"data", "eof"})


@api_endpoint("POST")
async def execution_stdin(request: HttpRequest, execution_id) -> HttpResponse:
    """202 once handed to the run; 409 when its stdin cannot take it (not interactive, not
    started, ended); the program's answer arrives on the run's events."""
    data, eof = _parse(request_body(request))
    try:
        status = await execution_stdin_write(
            user=request.user, execution_id=execution_id, data=data, eof=eof
        )
    except StdinRefused as refused:
        raise ApiError(409, refused.message, status=refused.status) from None
    return JsonResponse(
        {"executionId": str(execution_id), "accepted": True, "status": status}, status=202
    )


def _parse(body: bytes) -> tuple[str, bool]:
    try:
        document = json.loads(body) if body.strip() else {}
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError({"body": "The body is not valid JSON."}) from None
    if not isinstance(document, dict):
        raise ValidationError({"body": "The body must be a JSON object."})
    unknown = sorted(document.keys() - FIELDS)
    if unknown:
        raise ValidationError({unknown[0]: f"Unknown field {unknown[0]!r}."})
    data, eof = document.get("data", ""), document.get("eof", False)
    if not isinstance(data, str):
        raise ValidationError({"data": "`data` must be a string."})
    try:
        data.encode()
    except UnicodeEncodeError:
        raise ValidationError({"data": "`data` holds text that is not valid Unicode."}) from None
    if not isinstance(eof, bool):
        raise ValidationError({"eof": "`eof` must be true or false."})
    if not data and not eof:
        raise ValidationError({"data": "Give `data` to write, or `eof: true` to close stdin."})
    return data, eof
