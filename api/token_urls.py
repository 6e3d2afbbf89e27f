"""The account page's API token forms (mounted under /account/api-tokens/)."""

from __future__ import annotations

from django.urls import path

from api.views import tokens

urlpatterns = [
    path("", tokens.create, name="api_token_create"),
    path("<int:token_id>/revoke/", tokens.revoke, name="api_token_revoke"),
]
