"""The environment variables panel. Values are write-only: saved, never shown again."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from sandboxes.forms import VariableForm, add_service_errors
from sandboxes.selectors import sandbox_get
from sandboxes.services.workspaces import sandbox_variable_delete, sandbox_variable_set
from sandboxes.views.editor import panel_answer


def _answer(request: HttpRequest, sandbox, form=None) -> HttpResponse:
    return panel_answer(request, sandbox, "variables_panel", "variable_form", form)


@login_required
@require_POST
def save(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    """Add a variable, or give an existing one a new value."""
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = VariableForm(request.POST)
    if form.is_valid():
        try:
            sandbox_variable_set(
                sandbox=sandbox, name=form.cleaned_data["name"], value=form.cleaned_data["value"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _answer(request, sandbox)
    return _answer(request, sandbox, form)


@login_required
@require_POST
def delete(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    sandbox_variable_delete(sandbox=sandbox, name=request.POST.get("name", ""))
    return _answer(request, sandbox)
