"""The OpenAPI document, and the JSON 404 for paths the API does not have."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from api.errors import ApiError
from api.openapi import openapi


@require_GET
def openapi_document(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi(), json_dumps_params={"indent": 2})


def not_found(request: HttpRequest) -> HttpResponse:
    return ApiError(404, f"There is no API endpoint {request.path}.").response()
