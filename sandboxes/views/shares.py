"""Share a run: its owner makes or revokes a read-only link; anyone with the link sees the
run's code, output and produced files, signed in or not, and nothing else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from sandboxes.selectors import execution_get, execution_output, shared_execution_get
from sandboxes.services.shares import execution_share, execution_unshare
from sandboxes.snapshots import snapshot_compare
from sandboxes.views.common import file_csp, file_response, file_table


@login_required
@require_POST
def share(request: HttpRequest, execution_id) -> HttpResponse:
    execution = execution_get(user=request.user, execution_id=execution_id)
    execution_share(execution=execution)
    messages.success(request, "Anyone with the link can now see this run (read only).")
    return redirect(f"{execution.get_absolute_url()}#share")


@login_required
@require_POST
def unshare(request: HttpRequest, execution_id) -> HttpResponse:
    execution = execution_get(user=request.user, execution_id=execution_id)
    execution_unshare(execution=execution)
    messages.success(request, "The share link is revoked: it no longer works.")
    return redirect(f"{execution.get_absolute_url()}#share")


@require_GET
def shared_run(request: HttpRequest, token: str) -> HttpResponse:
    execution = shared_execution_get(token=token)
    context = {
        "execution": execution,
        "token": token,
        "entry": execution.snapshot.get("entry", ""),
        "code": snapshot_compare(execution=execution, compare=False),
        "output": execution_output(execution=execution),
        "produced": execution.files.all(),
    }
    response = render(request, "sandboxes/shared_run.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: never pass it on
    return response


@require_GET
@file_csp
def shared_file(request: HttpRequest, token: str) -> HttpResponse:
    """A file the shared run wrote (?path=...); PNG, JPEG and GIF inline with ?inline=1."""
    execution = shared_execution_get(token=token)
    file = execution.files.filter(path=request.GET.get("path", "")).first()
    return file_response(file, inline=request.GET.get("inline") == "1")


@require_GET
@vary_on_headers("HX-Request")
def shared_table(request: HttpRequest, token: str) -> HttpResponse:
    """A CSV file the shared run wrote (?path=...) as a read-only table."""
    execution = shared_execution_get(token=token)
    file = execution.files.filter(path=request.GET.get("path", "")).first()
    response = file_table(request, file, download=reverse("shared_file", args=[token]))
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
