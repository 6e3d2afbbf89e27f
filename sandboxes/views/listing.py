"""The home page: the user's sandboxes; create, rename and delete them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from sandboxes.forms import SandboxCreateForm, SandboxRenameForm, add_service_errors
from sandboxes.selectors import runtime_offer, sandbox_get, sandbox_list
from sandboxes.services.starters import sandbox_create_from_starter
from sandboxes.services.workspaces import sandbox_create, sandbox_delete, sandbox_rename
from sandboxes.starters import STARTERS

LIST_TEMPLATE = "sandboxes/list.html"


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The sandboxes list; a POST creates one and opens it in the editor. Signed out: the
    landing page, saying what the product is."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "sandboxes/landing.html", {"starters": STARTERS})
    offer = runtime_offer()
    form = SandboxCreateForm(
        request.POST or None,
        runtimes=offer.choices,
        initial={"runtime": offer.choices[0].id if offer.choices else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            sandbox = sandbox_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                runtime=form.cleaned_data["runtime"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("sandbox_editor", sandbox_id=sandbox.pk)
    context = {
        "form": form,
        "offer": offer,
        "sandboxes": sandbox_list(user=request.user),
        "starters": STARTERS,
    }
    status = 400 if form.errors else 200
    return render(request, LIST_TEMPLATE, context, status=status)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """A new sandbox from a template, opened in the editor."""
    try:
        sandbox = sandbox_create_from_starter(
            owner=request.user, slug=request.POST.get("starter", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("home")
    return redirect("sandbox_editor", sandbox_id=sandbox.pk)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def rename(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """Rename; over HTMX the answer is the sandbox's row (with the error, if any)."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = SandboxRenameForm(request.POST)
    if form.is_valid():
        try:
            sandbox = sandbox_rename(sandbox=sandbox, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
    if request.htmx:
        [row] = sandbox_list(user=request.user, sandbox_id=sandbox.pk)
        if not form.errors:
            form = None
        context = {"sandbox": row, "rename_form": form}
        return render(request, f"{LIST_TEMPLATE}#sandbox_row", context)
    if form.errors:
        for message in form.errors.get("name", []):
            messages.error(request, message)
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """A confirmation page; the POST deletes the sandbox with its files and runs."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    if request.method == "POST":
        name = sandbox.name
        sandbox_delete(sandbox=sandbox)
        messages.success(request, f"Deleted {name}.")
        return redirect("home")
    context = {
        "sandbox": sandbox,
        "file_count": sandbox.files.count(),
        "run_count": sandbox.executions.count(),
    }
    return render(request, "sandboxes/delete.html", context)
