"""API tokens: named, per user, revocable; the secret itself is never stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

# How stale `last_used_at` may get before a request writes it again (one write a minute
# per token at most, not one per request).
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiToken(models.Model):
    """A bearer token for the HTTP API.

    Looked up by the SHA-256 of the presented secret (unique index): the secret has 256
    random bits, so a lookup by hash leaks nothing an attacker could use.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “CI”.")
    prefix = models.CharField(max_length=16, help_text="The token's first characters.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def needs_last_used_update(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION
