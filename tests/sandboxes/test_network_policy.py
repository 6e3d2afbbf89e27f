"""A sandbox's and a run's network policy: checked against the tier, defaulted, recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quotas.models import Tier
from sandboxes.engine import Network, RunResult, Status
from sandboxes.models import Execution
from sandboxes.network import engine_policy
from sandboxes.runs.ending import execution_end
from sandboxes.runs.start import execution_rerun, execution_start, execution_start_for_sandbox
from sandboxes.services.workspaces import sandbox_create, sandbox_network_set
from tests.factories import ExecutionFactory, UserFactory

pytestmark = pytest.mark.django_db

CODE = {"main.py": b"print('hi')\n"}


def start(user, **fields) -> Execution:
    return execution_start(user=user, runtime="python", files=CODE, entry="main.py", **fields)


def test_the_migration_lets_free_use_allow_lists_and_pro_and_up_the_internet():
    tiers = {
        tier.name: (tier.network_default, tier.network_max, tier.network_max_bytes)
        for tier in Tier.objects.all()
    }

    assert tiers == {
        "free": ("none", "allow_list", 100 * 2**20),
        "pro": ("none", "internet", 2**30),
        "premium": ("none", "internet", 5 * 2**30),
        "enterprise": ("none", "internet", 20 * 2**30),
    }


def test_a_run_that_asks_for_nothing_gets_its_tiers_default_and_cap(owner):
    Tier.objects.filter(quotas__user=owner).update(
        network_max="internet", network_default="internet"
    )

    execution = start(owner)

    assert execution.snapshot["network"] == {
        "mode": "internet",
        "allow": [],
        "deny": [],
        "max_bytes": 100 * 2**20,
    }


def test_a_run_without_network_records_none(owner):
    assert start(owner).network["mode"] == "none"


def test_an_allow_list_is_recorded_normalised(owner):
    execution = start(
        owner, network={"mode": "allow_list", "allow": ["API.Example.com.", "*.pypi.org"]}
    )

    assert execution.snapshot["network"]["allow"] == ["api.example.com", "*.pypi.org"]
    assert engine_policy(execution.snapshot["network"]).allows_name("files.pypi.org")


def test_the_internet_is_refused_to_a_free_user_naming_the_field(owner):
    with pytest.raises(ValidationError) as refused:
        start(owner, network={"mode": "internet", "allow": [], "deny": []})

    assert refused.value.message_dict == {
        "network": ["Your Free tier's runs may use at most an allow-list of domains, "
                    "not the internet."]
    }  # fmt: skip
    assert not Execution.objects.exists()


def test_a_pro_user_may_use_the_internet_less_a_deny_list(tier):
    user = UserFactory(tier=tier("pro"))

    execution = start(user, network={"mode": "internet", "allow": [], "deny": ["*.evil.example"]})

    assert execution.network["deny"] == ["*.evil.example"]
    assert execution.snapshot["network"]["max_bytes"] == 2**30


@pytest.mark.parametrize(
    ("policy", "field", "words"),
    [
        ({"mode": "allow_list", "allow": []}, "network.allow", "at least one domain"),
        ({"mode": "allow_list", "allow": ["10.0.0.5"]}, "network.allow", "is an address"),
        ({"mode": "allow_list", "allow": ["exa mple.com"]}, "network.allow", "not a domain name"),
        ({"mode": "allow_list", "allow": ["a.com"], "deny": ["*"]}, "network.deny", "not a domain"),
        ({"mode": "none", "deny": ["a.com"]}, "network.deny", "no network"),
        ({"mode": "everything"}, "network", "one of none, allow_list, internet"),
        ({"mode": "allow_list", "allow": "a.com"}, "network.allow", "not one string"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(owner, policy, field, words):
    with pytest.raises(ValidationError) as refused:
        start(owner, network=policy)

    assert list(refused.value.message_dict) == [field]
    assert words in refused.value.message_dict[field][0]


def test_a_new_sandbox_gets_its_tiers_default(owner):
    Tier.objects.filter(quotas__user=owner).update(
        network_max="internet", network_default="internet"
    )

    sandbox = sandbox_create(owner=owner, name="Net", runtime="python")

    assert sandbox.network_policy == {"mode": "internet", "allow": [], "deny": []}


def test_a_sandbox_keeps_its_policy_and_its_runs_use_it(sandbox):
    sandbox_network_set(sandbox=sandbox, mode="allow_list", allow=["api.github.com"])

    execution = execution_start_for_sandbox(sandbox=sandbox)

    sandbox.refresh_from_db()
    assert sandbox.network_policy == {"mode": "allow_list", "allow": ["api.github.com"], "deny": []}
    assert execution.network["allow"] == ["api.github.com"]


def test_a_sandbox_over_its_tier_is_refused_and_keeps_its_old_policy(sandbox):
    with pytest.raises(ValidationError) as refused:
        sandbox_network_set(sandbox=sandbox, mode="internet")

    assert "network" in refused.value.message_dict
    sandbox.refresh_from_db()
    assert sandbox.network_mode == "none"


def test_a_run_again_uses_the_policy_it_ran_with(sandbox):
    sandbox_network_set(sandbox=sandbox, mode="allow_list", allow=["api.github.com"])
    first = execution_start_for_sandbox(sandbox=sandbox)
    execution_end(first.pk, status="succeeded", result=result(exit_code=0))
    sandbox_network_set(sandbox=sandbox, mode="none")

    again = execution_rerun(execution=first)

    assert again.network["allow"] == ["api.github.com"]


def test_a_run_after_a_downgrade_is_refused_rather_than_widened(sandbox, tier):
    owner = sandbox.owner
    owner.quota.tier = tier("pro")
    owner.quota.save()
    sandbox_network_set(sandbox=sandbox, mode="internet")
    owner.quota.tier = tier("free")
    owner.quota.save()

    with pytest.raises(ValidationError) as refused:
        execution_start_for_sandbox(sandbox=sandbox)

    assert "at most an allow-list" in refused.value.message_dict["network"][0]


def test_runs_recorded_before_policies_ran_with_none(sandbox):
    execution = ExecutionFactory(sandbox=sandbox)

    assert execution.network["mode"] == "none"
    assert engine_policy(execution.snapshot.get("network")).mode is Network.NONE


def result(**fields) -> RunResult:
    base = {
        "status": Status.FAILED,
        "exit_code": 1,
        "signal": None,
        "wall_seconds": 0.1,
        "cpu_seconds": 0.05,
        "peak_memory_bytes": 1,
        "output_truncated": False,
        "files": {},
        "deleted_files": (),
        "runtime_version": "3.13",
    }
    return RunResult(**{**base, **fields})


def test_the_end_of_a_run_keeps_its_bytes_and_refusals(owner):
    execution = start(owner, network={"mode": "allow_list", "allow": ["api.example.com"]})

    execution_end(
        execution.pk,
        status="failed",
        result=result(
            network_bytes_in=5_000,
            network_bytes_out=300,
            network_blocked_count=4,
            network_blocked=("evil.example (not on the allow-list)",),
        ),
    )

    execution.refresh_from_db()
    assert (execution.network_bytes_in, execution.network_bytes_out) == (5_000, 300)
    assert execution.network_blocked_count == 4
    assert execution.network_blocked == ["evil.example (not on the allow-list)"]
    assert execution.error == (
        "blocked: evil.example (not on the allow-list) and 3 more. "
        'Change the policy in the Network panel or "network" in the API.'
    )


def test_a_run_without_network_that_failed_to_resolve_gets_one_hint_line(owner):
    execution = start(owner)

    execution_end(execution.pk, status="failed", result=result(), network_failure_seen=True)

    execution.refresh_from_db()
    assert execution.error == (
        "This sandbox has no network; choose a network policy in the Network panel "
        'or send "network" in the API.'
    )


def test_a_run_with_network_that_failed_to_resolve_gets_no_such_hint(owner):
    execution = start(owner, network={"mode": "allow_list", "allow": ["api.example.com"]})

    execution_end(execution.pk, status="failed", result=result(), network_failure_seen=True)

    execution.refresh_from_db()
    assert execution.error == ""


def test_a_run_over_its_network_cap_keeps_its_reason_first(owner):
    execution = start(owner, network={"mode": "allow_list", "allow": ["api.example.com"]})

    execution_end(
        execution.pk,
        status=Status.NETWORK_LIMITED.value,
        result=result(status=Status.NETWORK_LIMITED, error="Stopped after 100 bytes of network."),
    )

    execution.refresh_from_db()
    assert execution.status == "network_limited"
    assert execution.get_status_display() == "network limit"
    assert execution.tone == "warn"
    assert execution.error == "Stopped after 100 bytes of network."
