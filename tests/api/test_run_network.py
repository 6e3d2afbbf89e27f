"""`network` on POST /api/sandbox, and the network fields of a run's result."""

from __future__ import annotations

import json

import pytest

from api.run_request import run_request_parse
from quotas.models import Tier
from sandboxes.models import Execution
from tests.clients import post_json, run_body
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

URL = "/api/sandbox"


@pytest.mark.parametrize(
    ("network", "policy"),
    [
        ("none", {"mode": "none", "allow": [], "deny": []}),
        ("internet", {"mode": "internet", "allow": [], "deny": []}),
        ({"allow": ["a.com"]}, {"mode": "allow_list", "allow": ["a.com"], "deny": []}),
        (
            {"allow": ["a.com"], "deny": ["b.a.com"]},
            {"mode": "allow_list", "allow": ["a.com"], "deny": ["b.a.com"]},
        ),
        ({"deny": ["b.com"]}, {"mode": "internet", "allow": [], "deny": ["b.com"]}),
        ({"mode": "none"}, {"mode": "none", "allow": [], "deny": []}),
    ],
)
def test_each_form_of_network_is_read(network, policy):
    assert run_request_parse(
        f'{{"code": "1", "network": {json.dumps(network)}}}'.encode()
    ).network == (policy)


def test_no_network_field_means_the_tiers_default():
    assert run_request_parse(b'{"code": "1"}').network is None


@pytest.mark.parametrize(
    ("network", "field", "words"),
    [
        ("everything", "network", '"none", "internet", or {"allow"'),
        (["a.com"], "network", '"none", "internet", or {"allow"'),
        ({"allow": ["a.com"], "ports": [80]}, "network", "Unknown key 'ports'"),
        ({"allow": "a.com"}, "network.allow", "must be a list of domains"),
        ({"allow": [1]}, "network.allow", "must be a list of domains"),
        ({"allow": ["a.com"], "deny": None}, "network.deny", "must be a list of domains"),
        ({"allow": ["not a domain"]}, "network.allow", "is not a domain name"),
        ({"allow": ["127.0.0.1"]}, "network.allow", "is an address"),
        ({"allow": []}, "network.allow", "at least one domain"),
        ({"mode": "wide"}, "network", "one of none, allow_list, internet"),
    ],
)
def test_a_bad_network_is_a_400_naming_the_field(api, owner, network, field, words):
    response = post_json(api, URL, run_body(network=network))

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert words in response.json()["error"]
    assert not Execution.objects.exists()


def test_a_network_over_the_tier_is_a_400_saying_what_the_tier_allows(api, owner):
    response = post_json(api, URL, run_body(network="internet"))

    assert response.status_code == 400
    assert response.json() == {
        "error": "Your Free tier's runs may use at most an allow-list of domains, "
        "not the internet.",
        "field": "network",
    }


def test_a_tier_without_network_refuses_an_allow_list(api, owner):
    Tier.objects.filter(quotas__user=owner).update(network_max="none")

    response = post_json(api, URL, run_body(network={"allow": ["api.example.com"]}))

    assert response.status_code == 400
    assert response.json()["error"] == (
        "Your Free tier's runs may use at most no network, not an allow-list of domains."
    )


def test_a_result_carries_the_policy_its_bytes_and_its_refusals(api, owner):
    run = ExecutionFactory(
        owner=owner,
        status="network_limited",
        network={"mode": "allow_list", "allow": ["a.com"], "deny": [], "max_bytes": 9},
        network_bytes_in=2_048,
        network_bytes_out=512,
        network_blocked_count=2,
        network_blocked=["evil.example (not on the allow-list)", "10.0.0.5:5432 (private address)"],
    )

    result = api.get(f"/api/executions/{run.pk}").json()

    assert result["status"] == "network_limited"
    assert result["network"] == {"mode": "allow_list", "allow": ["a.com"], "deny": []}
    assert result["networkBytesIn"] == 2_048
    assert result["networkBytesOut"] == 512
    assert result["networkBlockedCount"] == 2
    assert result["networkBlocked"] == [
        "evil.example (not on the allow-list)",
        "10.0.0.5:5432 (private address)",
    ]


def test_a_result_of_a_run_from_before_policies_says_none(api, owner):
    run = ExecutionFactory(owner=owner)

    result = api.get(f"/api/executions/{run.pk}").json()

    assert result["network"] == {"mode": "none", "allow": [], "deny": []}
    assert result["networkBytesIn"] == result["networkBytesOut"] == 0
    assert result["networkBlocked"] == []


def test_network_limited_is_a_status_the_list_filters_on(api, owner):
    ExecutionFactory(owner=owner, status="network_limited")
    ExecutionFactory(owner=owner)

    listed = api.get("/api/executions?status=network_limited").json()["executions"]

    assert [run["status"] for run in listed] == ["network_limited"]
