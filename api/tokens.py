"""API token secrets: made here, shown to their owner once, stored only as a hash.

A token is ``csb_`` followed by 256 random bits (URL-safe base64). The prefix makes a
leaked token easy to recognise (secret scanners, logs); its first characters are kept
in clear so the owner can tell tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "csb_"
SECRET_BYTES = 32
DISPLAY_LENGTH = len(PREFIX) + 8


def token_generate() -> str:
    return PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def token_hash(token: str) -> str:
    """SHA-256, not a slow password hash: the secret is random and long, so it cannot be
    guessed from its hash, and a fast hash keeps every request's lookup cheap."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_display(token: str) -> str:
    """The start of a token, enough to recognise it and useless to an attacker."""
    return token[:DISPLAY_LENGTH]
