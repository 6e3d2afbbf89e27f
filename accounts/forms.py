from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm

from accounts.models import User


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        help_text="For notices about your account, such as running low on your quota.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        # Whether another account uses it is not said here (sign-up must not tell which
        # addresses have accounts): the address is verified by email instead.
        return User.objects.normalize_email(self.cleaned_data["email"])


class PasswordChangeWithTokensForm(PasswordChangeForm):
    """A new password ends the user's other sessions (Django's view does that); API tokens
    are not sessions, so revoking them too is offered here."""

    revoke_api_tokens = forms.BooleanField(
        required=False,
        label="Also revoke all my API tokens",
        help_text="Programs using them stop working until you give them new ones. Do this "
        "if you think your password or a token has leaked.",
    )
