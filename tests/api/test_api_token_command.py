"""manage.py api_token: an operator creates a token (and, if asked, the user)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from api.models import ApiToken
from tests.clients import bearer


def api_token(*args: str) -> list[str]:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_a_working_token_alone_on_the_last_line(owner):
    lines = api_token("--user", "owner", "--name", "CI")

    token = lines[-1]
    assert token.startswith("csb_")
    assert ApiToken.objects.get(user=owner).name == "CI"
    assert Client(headers=bearer(token)).get("/api/executions").status_code == 200


def test_it_creates_the_user_when_asked(db, tier):
    tier("pro")
    lines = api_token("--user", "ci-bot", "--create-user", "--tier", "pro")

    user = User.objects.get(username="ci-bot")
    assert not user.has_usable_password()  # an API-only account: no log-in
    assert user.quota.tier.name == "pro"
    assert ApiToken.objects.filter(user=user).count() == 1
    assert lines[-1].startswith("csb_")


def test_an_existing_user_can_be_moved_to_another_tier(owner, tier):
    tier("premium")
    api_token("--user", "owner", "--tier", "premium")
    owner.quota.refresh_from_db()
    assert owner.quota.tier.name == "premium"


def test_an_unknown_user_is_an_error_without_create_user(db):
    with pytest.raises(CommandError, match="--create-user"):
        api_token("--user", "nobody")
    assert not User.objects.filter(username="nobody").exists()


def test_an_unknown_tier_is_an_error_and_creates_nothing(db):
    with pytest.raises(CommandError, match="No tier 'gold'"):
        api_token("--user", "ci-bot", "--create-user", "--tier", "gold")
    assert not User.objects.filter(username="ci-bot").exists()
    assert not ApiToken.objects.exists()
