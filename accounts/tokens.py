"""The link that proves a user reads the address they gave (Django's token generator).

A token is bound to the address and to what was verified before, so it stops working once
used, or once the address changes; it expires after PASSWORD_RESET_TIMEOUT (3 days)."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.verified_email}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
