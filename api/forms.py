from __future__ import annotations

from django import forms

from api.services.tokens import MAX_NAME_LENGTH


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=MAX_NAME_LENGTH,
        help_text="What it is for, so you know which one to revoke later: “CI”, “laptop”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "CI"}),
    )
