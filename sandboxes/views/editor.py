"""The editor page and its two actions: save the typed files, and save-then-run."""

from __future__ import annotations

import shlex

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from quotas.exceptions import QuotaExceeded
from quotas.formatting import format_moment
from quotas.selectors import quota_get
from quotas.services import quota_roll_over
from sandboxes.forms import (
    FileCreateForm,
    FilesUploadForm,
    NetworkForm,
    PackageForm,
    RunSettingsForm,
    VariableForm,
    add_service_errors,
)
from sandboxes.limits import MAX_FILE_BYTES, validate_file_size
from sandboxes.models import Execution
from sandboxes.network import network_choices
from sandboxes.runs.kill_switch import RunsPaused
from sandboxes.runs.start import execution_start_for_sandbox
from sandboxes.selectors import (
    execution_going,
    execution_history,
    execution_last_finished,
    execution_latest,
    package_suggestions,
    packages_state,
    runtime_label,
    sandbox_get,
)
from sandboxes.services.workspaces import sandbox_files_save, sandbox_run_settings_save
from sandboxes.views.common import console_config, execution_brief, json_errors, uploaded_bytes

EDITOR_TEMPLATE = "sandboxes/editor.html"
PANEL_TEMPLATE = "sandboxes/editor/{}.html"  # each side panel's own template
# The parts of the page that HTMX reloads on their own (?part=...), and where each is.
PARTS = {
    "files_panel": PANEL_TEMPLATE.format("files"),
    "file_list": PANEL_TEMPLATE.format("files"),
    "variables_panel": PANEL_TEMPLATE.format("variables"),
    "packages_panel": PANEL_TEMPLATE.format("packages"),
    "package_status": PANEL_TEMPLATE.format("packages"),
    "runs_panel": PANEL_TEMPLATE.format("runs"),
    "run_stats": EDITOR_TEMPLATE,
    "run_settings": PANEL_TEMPLATE.format("input"),
    "network_panel": PANEL_TEMPLATE.format("network"),
}
PANELS = ("files", "packages", "variables", "input", "network", "runs")


def panel_context(request: HttpRequest, sandbox, **forms) -> dict:
    """What the editor page and each of its partials render from."""
    quota_roll_over(user=request.user)
    return {
        "sandbox": sandbox,
        "files": sandbox.files.defer("content"),
        "variable_names": list(sandbox.variables.values_list("name", flat=True)),
        "history": execution_history(sandbox=sandbox),
        "last_finished": execution_last_finished(sandbox=sandbox),
        "quota": quota_get(user=request.user),
        "file_form": FileCreateForm(),
        "upload_form": FilesUploadForm(),
        "variable_form": VariableForm(),
        # Lazy: only the packages panel reads these, not the other parts rendered from here.
        "packages": SimpleLazyObject(lambda: packages_state(sandbox=sandbox)),
        "popular_packages": SimpleLazyObject(lambda: package_suggestions(sandbox=sandbox)),
        # A spec refused without JavaScript comes back in the address (?spec=...).
        "package_form": PackageForm(initial={"spec": request.GET.get("spec", "")}),
        "run_settings_form": RunSettingsForm(
            initial={
                "args": shlex.join(sandbox.run_args),
                "stdin": sandbox.run_stdin,
                "vcpus": sandbox.run_vcpus,
                "memory_mb": sandbox.run_memory_mb,
            }
        ),
        "network_form": NetworkForm(
            initial={
                "mode": sandbox.network_mode,
                "allow": "\n".join(sandbox.network_allow),
                "deny": "\n".join(sandbox.network_deny),
            }
        ),
        "network_choices": SimpleLazyObject(
            lambda: network_choices(quota_get(user=request.user).limits)
        ),
        **forms,  # a form that failed, shown again with its errors and what was typed
    }


def render_part(request: HttpRequest, sandbox, part: str, **forms) -> HttpResponse:
    return render(request, f"{PARTS[part]}#{part}", panel_context(request, sandbox, **forms))


def panel_answer(request: HttpRequest, sandbox, panel: str, form_name=None, form=None):
    """A side panel over HTMX (with the form that failed, if any); without HTMX, back to
    the editor with the form's errors as messages."""
    if request.htmx:
        forms = {form_name: form} if form is not None and form.errors else {}
        return render_part(request, sandbox, panel, **forms)
    if form is not None:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(sandbox)


def _page_config(sandbox, latest: Execution | None) -> dict:
    entry = sandbox.files.filter(path=sandbox.entry_file).first()
    # Runs started from this page get the tier's output limit.
    config = console_config(
        latest, output_limit=quota_get(user=sandbox.owner).limits.output_kb * 1024
    )
    return {
        **config,
        "urls": {
            "run": reverse("sandbox_run", args=[sandbox.pk]),
            "save": reverse("sandbox_save", args=[sandbox.pk]),
            "file": reverse("file_download", args=[sandbox.pk]),
        },
        "entry": sandbox.entry_file,
        "file": {
            "path": sandbox.entry_file,
            "text": (entry.text() if entry else "") or "",
            "language": (entry.editor_language if entry else None) or "text",
        },
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def editor(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """The editor page; over HTMX, `?part=` answers one of its panels."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    part = request.GET.get("part")
    if request.htmx and part:
        if part not in PARTS:
            raise Http404("No such part of the page.")
        return render_part(request, sandbox, part)
    panel = request.GET.get("panel")
    return editor_page(request, sandbox, open_panel=panel if panel in PANELS else "files")


def editor_page(request: HttpRequest, sandbox, *, open_panel: str, status: int = 200, **forms):
    """The whole page (with a form that failed, for a browser without JavaScript)."""
    latest = execution_latest(sandbox=sandbox)
    context = {
        **panel_context(request, sandbox, **forms),
        "runtime_label": runtime_label(sandbox.runtime),
        "latest": latest,
        "config": _page_config(sandbox, latest),
        "open_panel": open_panel,
    }
    return render(request, EDITOR_TEMPLATE, context, status=status)


def _posted_files(request: HttpRequest) -> dict[str, bytes]:
    """The editor's unsaved files: `path` fields paired, in order, with `content` parts.

    The contents come as file parts, so a pasted megabyte is answered with the file size
    limit (by the service) rather than with the form-data limit of every request.
    """
    paths = request.POST.getlist("path")
    contents = request.FILES.getlist("content")
    if len(paths) != len(contents):
        raise ValidationError({"files": "Every file sent needs a path and a content."})
    files = {}
    for path, upload in zip(paths, contents, strict=True):
        if upload.size > MAX_FILE_BYTES:
            validate_file_size(b"", path=path, size=upload.size, field="files")
        files[path] = uploaded_bytes(upload)
    return files


def _save_posted(request: HttpRequest, sandbox) -> JsonResponse | None:
    """Save what the editor sent; a JSON error answer if that failed."""
    try:
        files = _posted_files(request)
        if files:
            sandbox_files_save(sandbox=sandbox, files=files)
    except ValidationError as error:
        return json_errors(error)
    return None


@login_required
@require_POST
def save(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    """Ctrl/Cmd+S: keep the files the editor sent."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    if (failed := _save_posted(request, sandbox)) is not None:
        return failed
    return JsonResponse({"saved": request.POST.getlist("path")})


@login_required
@require_POST
def run(request: HttpRequest, sandbox_id: int) -> JsonResponse:
    """Run: save the files the editor sent, then start the sandbox's entry file."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    if (failed := _save_posted(request, sandbox)) is not None:
        return failed
    try:
        execution = execution_start_for_sandbox(sandbox=sandbox)
    except RunsPaused as paused:
        return json_errors(paused, status=503)
    except ValidationError as error:
        return json_errors(error)
    except QuotaExceeded as refusal:
        resets_at = refusal.resets_at
        going = execution_going(user=request.user) if refusal.limit == "concurrency" else None
        return JsonResponse(
            {
                "quota": {
                    "limit": refusal.limit,
                    "message": refusal.message,
                    "resets_at": resets_at.isoformat() if resets_at else None,
                    "resets": format_moment(resets_at) if resets_at else None,
                    # A run refused for concurrency: the one going, to open.
                    "going": going.get_absolute_url() if going else None,
                },
                "saved": request.POST.getlist("path"),
            },
            status=429,
        )
    return JsonResponse(
        {
            "execution": execution_brief(execution),
            "saved": request.POST.getlist("path"),
        },
        status=201,
    )


@login_required
@require_POST
def run_settings(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """Save the arguments and stdin text that Run gives the program, and its resources."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = RunSettingsForm(request.POST)
    if form.is_valid():
        try:
            args = shlex.split(form.cleaned_data["args"])
        except ValueError as error:
            form.add_error("args", f"The arguments do not split: {error} (close your quotes).")
        else:
            try:
                sandbox_run_settings_save(
                    sandbox=sandbox,
                    args=args,
                    stdin=form.cleaned_data["stdin"],
                    vcpus=form.cleaned_data["vcpus"],
                    memory_mb=form.cleaned_data["memory_mb"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx:
                    return render_part(request, sandbox, "run_settings", saved=True)
                return redirect(f"{sandbox.get_absolute_url()}?panel=input")
    return panel_answer(request, sandbox, "run_settings", "run_settings_form", form)
