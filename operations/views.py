"""The operators' pages: the usage dashboard, and /metrics for Prometheus."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from operations.access import Access, metrics_access
from operations.dashboard import dashboard_context
from operations.forms import DateRangeForm
from operations.metrics import exposition

DASHBOARD_PERMISSION = "operations.view_dashboard"


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DateRangeForm(request.GET or None)
    period = form.period()
    context = dashboard_context(period)
    context["form"] = form
    return render(request, "operations/dashboard.html", context)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    access = metrics_access(request)
    if access is Access.DISABLED:
        return HttpResponse(
            "Metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_IPS.\n",
            status=404,
            content_type="text/plain",
        )
    if access is not Access.ALLOWED:
        response = HttpResponse("Not allowed.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
