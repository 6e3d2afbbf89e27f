from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm
from accounts.services import user_create
from api.forms import ApiTokenForm
from api.selectors.tokens import api_token_list
from quotas.selectors import quota_get, quota_max_timeout
from quotas.services import quota_roll_over


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.REGISTRATION_OPEN:
        raise Http404("Sign-up is closed on this server.")
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    # A period that has ended resets when it is next looked at.
    quota_roll_over(user=request.user)
    quota = quota_get(user=request.user)
    context = {
        "quota": quota,
        "tier": quota.tier,
        "max_timeout": quota_max_timeout(user=request.user),
        "api_tokens": api_token_list(user=request.user),
        "api_token_form": ApiTokenForm(),
    }
    return render(request, "accounts/profile.html", context)
