"""The OpenAPI document, and the JSON 404 for paths the API does not have."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from api.errors import ApiError
from api.openapi import openapi

# Both only read, whatever the method: no CSRF check (its refusal would be an HTML page).


@csrf_exempt
def openapi_document(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return ApiError(
            405, f"{request.method} is not allowed here.", headers={"Allow": "GET"}
        ).response()
    return JsonResponse(openapi(), json_dumps_params={"indent": 2})


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    return ApiError(404, f"There is no API endpoint {request.path}.").response()
