"""API tokens on the account page: create one (its secret shown once), revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from api.forms import ApiTokenForm
from api.selectors.tokens import api_token_get
from api.services.tokens import api_token_create, api_token_revoke


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """The new token's page is the only place its secret ever appears (never cached)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("profile")
    try:
        issued = api_token_create(user=request.user, name=form.cleaned_data["name"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("profile")
    context = {
        "issued": issued,
        "api_root": request.build_absolute_uri(reverse("api_run")).removesuffix("/sandbox"),
    }
    response = render(request, "api/token_created.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get(user=request.user, token_id=token_id)
    if api_token_revoke(token=token):
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("profile")
