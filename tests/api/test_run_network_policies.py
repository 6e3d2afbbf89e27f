"""Real runs with network through POST /api/sandbox, against the test hosts
(harness/nethosts.py): the brief's axios use case with an allow-list, bytes counted, the cap."""

from __future__ import annotations

import json

import pytest

from quotas.models import Quota, Tier
from quotas.services import quota_change_tier
from sandboxes.engine_config import get_engine
from sandboxes.models import Execution

URL = "/api/sandbox"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


@pytest.fixture
def reaches_test_hosts(settings, network_hosts):
    """The server's engine may reach the test hosts and asks their DNS server, as an
    operator's SANDBOX_NETWORK_ALLOW_CIDRS and SANDBOX_NETWORK_DNS would say."""
    settings.SANDBOX_NETWORK_ALLOW_CIDRS = list(network_hosts.allow_cidrs)
    settings.SANDBOX_NETWORK_DNS = network_hosts.dns
    get_engine.cache_clear()
    yield network_hosts
    get_engine.cache_clear()


async def run(client, **body) -> dict:
    response = await client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


AXIOS = """\
const axios = require("axios");

async function main() {
  const response = await axios.get("http://api.nethost.test/json", { timeout: 5000 });
  console.log(`title: ${response.data.title}`);
  console.log(`user: ${response.data.userId}`);
  try {
    await axios.get("http://other.nethost.test/json", { timeout: 5000 });
    console.log("other reached");
  } catch (error) {
    console.log(`other: ${error.code}`);
  }
}

main();
"""


@pytest.mark.network  # installs axios from npm
async def test_a_node_program_with_axios_calls_an_allowed_api_and_prints_its_fields(
    reaches_test_hosts, live_dispatcher, async_api
):
    result = await run(
        async_api,
        runtime="node",
        code=AXIOS,
        packages=["axios"],
        network={"allow": ["api.nethost.test"]},
        timeout=120,
    )

    assert result["status"] == "succeeded", result
    assert result["stdout"].splitlines() == [
        "title: hello from the test host",
        "user: 7",
        "other: ENOTFOUND",
    ]
    assert result["network"] == {"mode": "allow_list", "allow": ["api.nethost.test"], "deny": []}
    assert result["networkBytesIn"] > 0 and result["networkBytesOut"] > 0
    assert result["networkBlocked"] == ["other.nethost.test (not on the allow-list)"]
    assert result["error"] == (
        "blocked: other.nethost.test (not on the allow-list). "
        'Change the policy in the Network panel or "network" in the API.'
    )


DOWNLOAD = """\
import urllib.request
data = urllib.request.urlopen("http://api.nethost.test/bytes/200000", timeout=10).read()
print(len(data))
"""


async def test_an_allowed_download_is_counted_on_the_run(
    reaches_test_hosts, live_dispatcher, async_api
):
    result = await run(async_api, code=DOWNLOAD, network={"allow": ["*.nethost.test"]})

    assert (result["status"], result["stdout"]) == ("succeeded", "200000\n"), result
    assert result["networkBytesIn"] >= 200_000
    execution = await Execution.objects.aget(pk=result["executionId"])
    assert execution.network_bytes_in == result["networkBytesIn"]


async def test_a_run_over_its_tiers_network_cap_is_stopped_as_network_limited(
    reaches_test_hosts, live_dispatcher, async_api, owner
):
    await Tier.objects.filter(quotas__user=owner).aupdate(network_max_bytes=50_000)
    code = DOWNLOAD.replace("200000", "5000000")

    result = await run(async_api, code=code, network={"allow": ["api.nethost.test"]})

    assert result["status"] == "network_limited", result
    assert result["stdout"] == ""
    assert result["networkBytesIn"] + result["networkBytesOut"] < 5_000_000


@pytest.fixture
def owner_on_pro(owner, tier):
    quota_change_tier(quotas=Quota.objects.filter(user=owner), tier=tier("pro"))
    return owner


async def test_internet_for_a_pro_user_reaches_a_name_the_deny_list_leaves(
    reaches_test_hosts, owner_on_pro, live_dispatcher, async_api
):
    code = """\
import urllib.request
for name in ("api", "other"):
    try:
        print(name, urllib.request.urlopen(f"http://{name}.nethost.test/json", timeout=5).status)
    except OSError as error:
        print(name, "refused")
"""

    result = await run(async_api, code=code, network={"deny": ["other.nethost.test"]})

    assert result["stdout"] == "api 200\nother refused\n", result
    assert result["network"]["mode"] == "internet"
    assert result["networkBlockedCount"] >= 1
