"""The network panel: the policy the sandbox's runs get (none, an allow-list, the internet).

Over HTMX, saving answers with the panel (a refused domain stays in its field, with the
reason beside it). Without it, a saved policy redirects back to the editor's network
panel, and a refused one answers with the whole page, the typed text kept in the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sandboxes.forms import NetworkForm
from sandboxes.network import describe, domains_from_text
from sandboxes.selectors import sandbox_get
from sandboxes.services.workspaces import sandbox_network_set
from sandboxes.views.editor import editor_page, render_part


@login_required
@require_POST
def save(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = sandbox_get(user=request.user, sandbox_id=sandbox_id)
    form = NetworkForm(request.POST)
    if form.is_valid():
        mode = form.cleaned_data["mode"]
        # Domains typed under a mode that does not use them are kept in the form, not saved.
        allow = domains_from_text(form.cleaned_data["allow"]) if mode == "allow_list" else []
        deny = domains_from_text(form.cleaned_data["deny"]) if mode != "none" else []
        try:
            sandbox = sandbox_network_set(sandbox=sandbox, mode=mode, allow=allow, deny=deny)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if request.htmx:
                return render_part(request, sandbox, "network_panel", network_saved=True)
            messages.success(request, f"Network saved: {describe(sandbox.network_policy)}.")
            return redirect(f"{sandbox.get_absolute_url()}?panel=network")
    if request.htmx:
        return render_part(request, sandbox, "network_panel", network_form=form)
    return editor_page(request, sandbox, open_panel="network", status=400, network_form=form)
