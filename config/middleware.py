"""Requests no view can use, refused before any view sees them."""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpResponseBadRequest, JsonResponse

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = "A NUL byte is not allowed in a request's address or form."


class NulBytesRefused:
    """A NUL byte in the path, the query or a posted form's fields is a 400: PostgreSQL text
    cannot hold one, so any lookup with it would raise DataError (a 500, a traceback)."""

    sync_capable = async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        return _refusal(request) or self.get_response(request)

    async def _acall(self, request):
        return _refusal(request) or await self.get_response(request)


def _refusal(request):
    if not _has_nul(request):
        return None
    if request.path.startswith("/api/"):
        return JsonResponse({"error": MESSAGE}, status=400)
    return HttpResponseBadRequest(MESSAGE, content_type="text/plain")


def _has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method == "POST" and request.content_type in FORMS:
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    return False
