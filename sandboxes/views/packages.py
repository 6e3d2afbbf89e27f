"""The packages panel: add a spec, remove one, and suggest names while one is typed.

Over HTMX, adding and removing answer with the panel (a refused spec stays in its field,
with the reason beside it) and the header's package count, swapped out of band. Without
it, they redirect back to the editor's packages panel with a message; a refused spec comes
back in the address, so it is still in the field.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from sandboxes.engine.packages.specs import name_of
from sandboxes.forms import PackageForm, add_service_errors
from sandboxes.selectors import package_suggestions, sandbox_get
from sandboxes.services.packages import sandbox_package_add, sandbox_package_remove
from sandboxes.views.editor import EDITOR_TEMPLATE, PARTS, panel_context

SUGGESTIONS = 8


def _back(sandbox, **query: str) -> HttpResponse:
    return redirect(f"{sandbox.get_absolute_url()}?{urlencode({'panel': 'packages', **query})}")


def _answer(request: HttpRequest, sandbox, form: PackageForm | None = None) -> HttpResponse:
    if request.htmx:
        forms = {"package_form": form} if form is not None and form.errors else {}
        context = panel_context(request, sandbox, **forms)
        panel = render_to_string(f"{PARTS['packages_panel']}#packages_panel", context, request)
        badge = render_to_string(
            f"{EDITOR_TEMPLATE}#package_badge", {**context, "out_of_band": True}, request
        )
        return HttpResponse(panel + badge)
    if form is not None and form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(sandbox, spec=form.data.get("spec", ""))
    return _back(sandbox)


@login_required
@require_POST
def add(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """Add a package spec (installed when the sandbox next runs)."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = PackageForm(request.POST)
    if form.is_valid():
        try:
            sandbox = sandbox_package_add(sandbox=sandbox, spec=form.cleaned_data["spec"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(
                    request, f"Added {form.cleaned_data['spec']}: the next run installs it."
                )
            return _answer(request, sandbox)
    return _answer(request, sandbox, form)


@login_required
@require_POST
def remove(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = PackageForm(request.POST)
    if form.is_valid():
        sandbox = sandbox_package_remove(sandbox=sandbox, spec=form.cleaned_data["spec"])
    return _answer(request, sandbox)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def suggest(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """Known names matching what is typed in the add field (?spec=...), as a list to add
    from; without HTMX, the editor's packages panel with that text in the field."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    typed = request.GET.get("spec", "").strip()[:200]
    if not request.htmx:
        return _back(sandbox, spec=typed)
    query = name_of(sandbox.language, typed) if typed else ""
    suggestions = package_suggestions(sandbox=sandbox, query=query, limit=SUGGESTIONS)
    exact = any(usage.name.lower() == query.lower() for usage in suggestions)
    context = {"sandbox": sandbox, "typed": typed, "suggestions": suggestions, "exact": exact}
    return render(request, f"{PARTS['packages_panel']}#package_suggestions", context)
