"""The files panel: add, rename, delete, choose the entry file, upload, download.

Over HTMX each action answers with the files panel (and its errors next to the field);
without it, with a redirect back to the editor.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from blobs.responses import StreamedResponse, zip_stream
from sandboxes.forms import (
    FileCreateForm,
    FilePathForm,
    FileRenameForm,
    FilesUploadForm,
    add_service_errors,
)
from sandboxes.limits import MAX_FILE_BYTES, path_is_valid
from sandboxes.selectors import sandbox_get
from sandboxes.services.workspaces import (
    sandbox_archive_extract,
    sandbox_entry_set,
    sandbox_file_create,
    sandbox_file_delete,
    sandbox_file_rename,
    sandbox_files_save,
)
from sandboxes.views.common import file_csp, file_response, file_table, uploaded_bytes
from sandboxes.views.editor import panel_answer


def _answer(request: HttpRequest, sandbox, form_name: str | None = None, form=None):
    return panel_answer(request, sandbox, "files_panel", form_name, form)


@login_required
@require_POST
def create(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = FileCreateForm(request.POST)
    if form.is_valid():
        try:
            file = sandbox_file_create(sandbox=sandbox, path=form.cleaned_data["path"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = _answer(request, sandbox)
            return trigger_client_event(
                response, "files:open", {"path": file.path, "language": file.editor_language}
            )
    return _answer(request, sandbox, "file_form", form)


@login_required
@require_POST
def rename(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = FileRenameForm(request.POST)
    if form.is_valid():
        old, new = form.cleaned_data["path"], form.cleaned_data["new_path"]
        try:
            file = sandbox_file_rename(sandbox=sandbox, path=old, new_path=new)
        except sandbox.files.model.DoesNotExist:
            form.add_error(None, f"{old} no longer exists.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = _answer(request, sandbox)
            return trigger_client_event(
                response,
                "files:renamed",
                {"from": old, "to": file.path, "language": file.editor_language},
            )
    return _answer(request, sandbox, "rename_form", form)


@login_required
@require_POST
def delete(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = FilePathForm(request.POST)
    if form.is_valid():
        path = form.cleaned_data["path"]
        try:
            sandbox_file_delete(sandbox=sandbox, path=path)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return trigger_client_event(_answer(request, sandbox), "files:deleted", {"path": path})
    return _answer(request, sandbox, "path_form", form)


@login_required
@require_POST
def entry(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = FilePathForm(request.POST)
    if form.is_valid():
        try:
            sandbox = sandbox_entry_set(sandbox=sandbox, path=form.cleaned_data["path"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = _answer(request, sandbox)
            return trigger_client_event(response, "files:entry", {"path": sandbox.entry_file})
    return _answer(request, sandbox, "path_form", form)


def _store_uploads(sandbox, uploads, *, extract: bool) -> list[str]:
    """Plain files together (all or none), then each archive; the paths saved."""
    plain, archives = {}, []
    for upload in uploads:
        if extract and upload.name.lower().endswith(".zip"):
            archives.append(upload)
        elif upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                {"upload": f"{upload.name} is {upload.size:,} bytes; a file may hold "
                 f"{MAX_FILE_BYTES:,}."}
            )  # fmt: skip
        else:
            plain[upload.name] = uploaded_bytes(upload)
    saved = sandbox_files_save(sandbox=sandbox, files=plain, field="upload") if plain else []
    for archive in archives:
        saved += sandbox_archive_extract(sandbox=sandbox, archive=archive, size=archive.size)
    return [file.path for file in saved]


@login_required
@require_POST
def upload(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """Files are saved under their own names (a name that exists is replaced)."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = FilesUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = _store_uploads(
                sandbox, form.cleaned_data["upload"], extract=form.cleaned_data["extract"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = _answer(request, sandbox)
            return trigger_client_event(response, "files:uploaded", {"paths": saved})
    return _answer(request, sandbox, "upload_form", form)


@login_required
@require_GET
@file_csp
def download(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """One file of the sandbox (?path=...); the editor also reads files through this."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    file = sandbox.files.filter(path=request.GET.get("path", "")).first()
    return file_response(file, inline=request.GET.get("inline") == "1")


@login_required
@require_GET
@vary_on_headers("HX-Request")
def table(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """A CSV file of the sandbox (?path=...) as a read-only table."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    file = sandbox.files.filter(path=request.GET.get("path", "")).first()
    return file_table(request, file, download=reverse("file_download", args=[sandbox.pk]))


@login_required
@require_GET
def download_all(request: HttpRequest, sandbox_id: int) -> StreamedResponse:
    """Every file of the sandbox in one zip archive (a name no workspace may hold, such as
    one with '..' or a backslash from before the rules, is left out: unzipping never
    writes outside the folder)."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    files = [file for file in sandbox.files.all() if path_is_valid(file.path)]
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in sandbox.name) or "sandbox"
    # Made as it is sent, from storage: no archive (or file) whole in memory.
    return StreamedResponse(
        zip_stream((file.path, file.size, file.open) for file in files),
        content_type="application/zip",
        headers={"Content-Disposition": content_disposition_header(True, f"{name}.zip")},
    )
