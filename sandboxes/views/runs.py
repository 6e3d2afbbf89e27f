"""Past and present runs: their page (output replayed or streamed live), stop, run again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from quotas.exceptions import QuotaExceeded
from quotas.selectors import quota_get
from sandboxes.models import Execution
from sandboxes.network import describe
from sandboxes.runs.cancel import execution_cancel
from sandboxes.runs.start import execution_rerun
from sandboxes.selectors import execution_get, execution_list, runtime_label
from sandboxes.services.restore import sandbox_files_restore
from sandboxes.snapshots import snapshot_compare
from sandboxes.views.common import console_config, file_csp, file_response, file_table

RUN_TEMPLATE = "sandboxes/run.html"


@login_required
@require_GET
@vary_on_headers("HX-Request")
def detail(request: HttpRequest, execution_id) -> HttpResponse:
    """A run's page; over HTMX, the files it wrote (shown beside the console when it ends),
    or with ?part=run_details its facts (reloaded when a run watched live ends)."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    context = {
        "execution": execution,
        "produced": execution.files.defer("content"),
        "snapshot_files": execution.file_names,
        "entry": execution.snapshot.get("entry", ""),
        "network_policy": describe(execution.network),
        "quota": SimpleLazyObject(lambda: quota_get(user=request.user)),
    }
    if request.htmx:
        part = request.GET.get("part")
        part = part if part in ("run_details", "rerun_form") else "run_files"
        return render(request, f"{RUN_TEMPLATE}#{part}", context)
    config = console_config(execution, output_limit=execution.output_limit_bytes())
    context.update(
        runtime_label=runtime_label(execution.runtime),
        config=config,
        code=snapshot_compare(execution=execution),
    )
    return render(request, RUN_TEMPLATE, context)


@login_required
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    """All the user's runs, the API's included; ?source=editor|api|judge0|piston filters."""
    source = request.GET.get("source", "")
    if source not in Execution.Source.values:
        source = ""
    context = {
        "runs": execution_list(user=request.user, source=source),
        "source": source,
        "sources": Execution.Source.choices,
    }
    return render(request, "sandboxes/runs.html", context)


@login_required
@require_POST
def restore(request: HttpRequest, execution_id) -> HttpResponse:
    """Put the run's files back into its sandbox and open the editor."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    try:
        sandbox = sandbox_files_restore(execution=execution)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(execution)
    count = len(execution.file_names)
    messages.success(request, f"Restored {count} file{'s' if count != 1 else ''} from this run.")
    return redirect(sandbox)


@login_required
@require_POST
def cancel(request: HttpRequest, execution_id) -> HttpResponse:
    """Stop a run (the editor asks over its socket; this is the fallback)."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    accepted = execution_cancel(execution=execution)
    if request.htmx or request.accepts("application/json"):
        return JsonResponse({"accepted": accepted})
    return redirect(execution)


@login_required
@require_POST
def rerun(request: HttpRequest, execution_id) -> HttpResponse:
    """The same files, entry file and runtime again; opens the new run's page."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    try:
        again = execution_rerun(execution=execution)
    except QuotaExceeded as refusal:
        messages.error(request, refusal.message)
        return redirect(refusal.execution)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(execution)
    return redirect(again)


@login_required
@require_GET
@file_csp
def produced_file(request: HttpRequest, execution_id) -> HttpResponse:
    """A file the run wrote (?path=...); PNG, JPEG and GIF inline with ?inline=1."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    file = execution.files.filter(path=request.GET.get("path", "")).first()
    return file_response(file, inline=request.GET.get("inline") == "1")


@login_required
@require_GET
@vary_on_headers("HX-Request")
def produced_table(request: HttpRequest, execution_id) -> HttpResponse:
    """A CSV file the run wrote (?path=...) as a read-only table."""
    execution = execution_get(user=request.user, execution_id=execution_id)
    file = execution.files.filter(path=request.GET.get("path", "")).first()
    return file_table(request, file, download=reverse("run_file", args=[execution.pk]))
