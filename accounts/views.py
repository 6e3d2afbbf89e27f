from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import PasswordChangeWithTokensForm, SignUpForm
from accounts.models import User
from accounts.services import email_verification_send, email_verify, user_signup
from api.forms import ApiTokenForm
from api.selectors.tokens import api_token_list
from api.services.tokens import api_token_revoke_all
from quotas.selectors import quota_get, quota_max_timeout
from quotas.services import quota_roll_over

VERIFY_SENT = "We sent a link to {email}: open it to confirm your address."


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.REGISTRATION_OPEN:
        raise Http404("Sign-up is closed on this server.")
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_signup(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # The same answer whether or not the address already has an account.
        messages.info(request, VERIFY_SENT.format(email=user.email))
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
        "limits": quota.limits,
        "max_timeout": quota_max_timeout(user=request.user),
        "api_tokens": api_token_list(user=request.user),
        "api_token_form": ApiTokenForm(),
    }
    return render(request, "accounts/profile.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's (which signs out every other session), offering to revoke API tokens too."""

    form_class = PasswordChangeWithTokensForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data["revoke_api_tokens"]:
            revoked = api_token_revoke_all(user=form.user)
            messages.success(
                self.request, f"{revoked} API token{'' if revoked == 1 else 's'} revoked."
            )
        return response


@require_GET
def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, User.DoesNotExist):
        user = None
    verified = user is not None and email_verify(user=user, token=token)
    status = 200 if verified else 400
    return render(request, "accounts/email_verified.html", {"verified": verified}, status=status)


class SignedInRequest(HttpRequest):
    """A request login_required let through: its user is signed in."""

    user: User


@login_required
@require_POST
def verify_email_resend(request: SignedInRequest) -> HttpResponse:
    if not request.user.email_verified:
        email_verification_send(user=request.user)
        messages.info(request, VERIFY_SENT.format(email=request.user.email))
    return redirect("profile")
