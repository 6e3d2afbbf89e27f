"""The one place quotas read the time, so tests can move it (as auth/tokens.py's _now())."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
