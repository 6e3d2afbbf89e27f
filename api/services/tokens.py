"""Creating, using and revoking API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from api.tokens import token_display, token_generate, token_hash

MAX_ACTIVE_TOKENS = 25
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to its owner once, never stored


@transaction.atomic
def api_token_create(*, user, name: str) -> IssuedToken:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. “CI” or “laptop”."})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError({"name": f"Names are limited to {MAX_NAME_LENGTH} characters."})
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at=None)
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": f"You have {MAX_ACTIVE_TOKENS} tokens; revoke one you no longer use."}
        )
    secret = token_generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=token_display(secret), token_hash=token_hash(secret)
    )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke at once (the next request with it is refused). False if it already was."""
    now = timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now)
    if revoked:
        token.revoked_at = now
    return revoked == 1


def api_token_revoke_all(*, user) -> int:
    """Revoke every live token of the user (after a password change, or a leak): how many."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def api_token_used(*, token: ApiToken) -> None:
    """Record that the token was just used (at most once a minute per token)."""
    now = timezone.now()
    if token.needs_last_used_update(now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
