from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_required
@never_cache
@require_GET
def banner(request: HttpRequest) -> HttpResponse:
    """The signed-in user's quota banner alone (the pages that run code reload it after
    each run); the banner text comes from the context processor."""
    return render(request, "base.html#quota_banner")
