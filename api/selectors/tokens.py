"""Reading API tokens."""

from __future__ import annotations

from django.db.models import F
from django.http import Http404

from api.models import ApiToken
from api.tokens import PREFIX, token_hash


def api_token_find(*, secret: str) -> ApiToken | None:
    """The live token with this secret (its user still active), or None."""
    if not secret.startswith(PREFIX):
        return None
    return (
        # The user's quota and tier too: every API request reads their limits.
        ApiToken.objects.select_related("user__quota__tier")
        .filter(token_hash=token_hash(secret), revoked_at=None, user__is_active=True)
        .first()
    )


def api_token_list(*, user) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    return list(
        ApiToken.objects.filter(user=user).order_by(
            F("revoked_at").asc(nulls_first=True), "-created_at"
        )
    )


def api_token_get(*, user, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token
