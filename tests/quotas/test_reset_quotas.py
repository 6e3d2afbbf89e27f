from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from quotas.models import Quota
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reset_quotas(*args: str) -> str:
    out = StringIO()
    call_command("reset_quotas", *args, stdout=out)
    return out.getvalue().strip()


def runs_used(user) -> int:
    return Quota.objects.get(user=user).runs_used


@pytest.fixture
def ended(clock, tier):
    """A free user whose period ended a day ago, 9 runs used."""
    user = UserFactory(username="ended")
    Quota.objects.filter(user=user).update(runs_used=9, period_start=clock.now - timedelta(days=31))
    return user


@pytest.fixture
def current(clock, tier):
    """A pro user ten days into the period, 9 runs used."""
    user = UserFactory(username="current", tier=tier("pro"))
    Quota.objects.filter(user=user).update(runs_used=9, period_start=clock.now - timedelta(days=10))
    return user


def test_by_default_it_resets_only_quotas_whose_period_ended(clock, ended, current):
    assert reset_quotas() == "Reset 1 quota."

    assert (runs_used(ended), runs_used(current)) == (0, 9)
    assert Quota.objects.get(user=ended).period_start == clock.now


def test_all_resets_every_quota(ended, current):
    assert reset_quotas("--all") == "Reset 2 quotas."

    assert (runs_used(ended), runs_used(current)) == (0, 0)


def test_user_resets_that_users_quota_even_mid_period(ended, current):
    assert reset_quotas("--user", "current") == "Reset 1 quota."

    assert (runs_used(ended), runs_used(current)) == (9, 0)


def test_user_can_be_repeated(ended, current):
    assert reset_quotas("--user", "current", "--user", "ended") == "Reset 2 quotas."


def test_tier_resets_every_quota_on_that_tier(ended, current):
    assert reset_quotas("--tier", "pro") == "Reset 1 quota."

    assert (runs_used(ended), runs_used(current)) == (9, 0)


def test_dry_run_counts_without_resetting(ended, current):
    assert reset_quotas("--all", "--dry-run") == "Would reset 2 quotas."

    assert (runs_used(ended), runs_used(current)) == (9, 9)


def test_an_unknown_user_is_an_error(ended):
    with pytest.raises(CommandError, match="No such user: nobody."):
        reset_quotas("--user", "ended", "--user", "nobody")

    assert runs_used(ended) == 9


def test_an_unknown_tier_is_an_error_listing_the_tiers(ended):
    with pytest.raises(CommandError, match='No tier named "gold". Tiers: free, pro'):
        reset_quotas("--tier", "gold")


def test_all_cannot_be_combined_with_a_selection(ended):
    with pytest.raises(CommandError, match="--all"):
        reset_quotas("--all", "--user", "ended")


def test_it_exits_non_zero_on_bad_input_from_the_shell(capsys, db):
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "reset_quotas", "--user", "nobody"]).execute()

    assert exited.value.code != 0
    assert "No such user: nobody." in capsys.readouterr().err
