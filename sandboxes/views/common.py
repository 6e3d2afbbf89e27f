"""Small helpers shared by the sandbox views."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.http import urlencode
from django.views.decorators.csp import csp_override

from blobs.responses import StoredFileResponse
from sandboxes import filetypes
from sandboxes.csv_table import CsvTableError, csv_table_read
from sandboxes.forms import error_messages
from sandboxes.models import Execution

# A stored file is the user's (or their program's) content: even opened directly in our
# origin it must not run script or load anything. SVG especially is a document, not a picture.
file_csp = csp_override(
    {"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE], "sandbox": True}
)


def execution_brief(execution: Execution) -> dict:
    """What the console needs of a run: whether it goes on, takes typed input, how long it
    has gone (measured here, so the page's clock does not matter), and its URLs (the
    script builds none)."""
    elapsed = None
    if execution.is_active:
        elapsed = max(0, round((timezone.now() - execution.created_at).total_seconds() * 1000))
    return {
        "id": str(execution.pk),
        "status": execution.status,
        "active": execution.is_active,
        "interactive": execution.is_interactive,
        "elapsed_ms": elapsed,
        "urls": {
            # Over HTMX, the page answers with the files the run wrote.
            "page": execution.get_absolute_url(),
            # Stop and typed input take the socket; these when it is down.
            "cancel": reverse("run_cancel", args=[execution.pk]),
            "stdin": reverse("api_execution_stdin", args=[execution.pk]),
            "socket": reverse("execution_socket", args=[execution.pk], urlconf="config.routing"),
        },
    }


def console_config(latest, *, output_limit: int) -> dict:
    """What the console script needs to watch a run: which one, how statuses read, and the
    output a run keeps (`output_limit` bytes)."""
    return {
        "latest": execution_brief(latest) if latest else None,
        "statuses": {
            status.value: {"label": status.label, "tone": Execution(status=status).tone}
            for status in Execution.Status
        },
        "outputLimit": output_limit,
    }


def json_errors(error: ValidationError, *, status: int = 400) -> JsonResponse:
    """{"errors": {field: [message, ...]}}: the script shows each next to its field."""
    return JsonResponse({"errors": error_messages(error)}, status=status)


def uploaded_bytes(upload) -> bytes:
    """The whole content of an uploaded file (its size is checked before this is called)."""
    upload.seek(0)
    return upload.read()


def file_response(file, *, inline: bool = False) -> HttpResponse:
    """A stored file (SandboxFile or ExecutionFile) as a download, streamed from storage.

    Only PNG, JPEG and GIF are ever served inline (for <img>, when asked); everything else,
    SVG included, is an attachment of a type the browser will not render as a page.
    """
    if file is None:
        raise Http404("No such file.")
    image = filetypes.image_type(file.path)
    raster = image is not None and image != filetypes.SVG
    content_type = image or "application/octet-stream"
    response = StoredFileResponse(
        file.open(),
        content_type=content_type,
        as_attachment=not (inline and raster),
        filename=PurePosixPath(file.path).name,
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def file_table(request: HttpRequest, file, *, download: str) -> HttpResponse:
    """A CSV file (SandboxFile or ExecutionFile) as a read-only table: over HTMX the table
    alone (the page shows it in a dialog), else a page of its own that links to `download`
    (the file's download view). A file that cannot be shown so is answered 422 with the
    reason, in place of the table."""
    if file is None:
        raise Http404("No such file.")
    context = {"file": file, "download_url": f"{download}?{urlencode({'path': file.path})}"}
    try:
        if not filetypes.is_csv(file.path):
            raise CsvTableError(f"{file.path} is not a .csv file: only CSV opens as a table.")
        context["table"] = csv_table_read(file)
        status = 200
    except CsvTableError as error:
        context["error"] = str(error)
        status = 422
    template = "sandboxes/csv_table.html" + ("#csv_table" if request.htmx else "")
    return render(request, template, context, status=status)
