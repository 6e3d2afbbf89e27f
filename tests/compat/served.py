"""The app served by Daphne for the published API clients: users and tokens on it, made
through its own manage.py (the served app has a database of its own)."""

from __future__ import annotations

from harness.appserver import AppServer

_TOKEN = """
from accounts.models import User
from api.services.tokens import api_token_create
print(api_token_create(user=User.objects.get(username={username!r}), name="client").secret)
"""
_USE_UP_RUNS = """
from quotas.models import Quota
Quota.objects.filter(user__username={username!r}).update(runs_used=10**6)
"""


def served_token(server: AppServer, username: str, tier: str = "enterprise") -> str:
    """A new user of `tier` on the served app, and an API token of theirs."""
    server.create_user(username, "client-password-123", tier=tier)
    output = server.manage("shell", "-c", _TOKEN.format(username=username))
    return output.strip().splitlines()[-1]  # after the shell's own notice


def served_runs_used_up(server: AppServer, username: str) -> None:
    server.manage("shell", "-c", _USE_UP_RUNS.format(username=username))
