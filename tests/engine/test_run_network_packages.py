"""Real HTTP clients under a run's network policy: Python's requests and Node's axios (the
brief's use case: a program calling an HTTP API), against the test hosts."""

from __future__ import annotations

import pytest

from .netrun import INTERNET, allow, network_engine, run_on

pytestmark = [pytest.mark.sandbox, pytest.mark.network]  # installs requests and axios


@pytest.fixture(scope="module")
def engine(network_hosts):
    return network_engine(network_hosts)


REQUESTS = """\
import requests

for label, url in [
    ("api", "http://api.nethost.test/json"),
    ("other", "http://other.nethost.test/json"),
    ("redirect-to-private", "http://api.nethost.test/redirect?to=http://ten.nethost.test/"),
    ("redirect-to-gateway", "http://api.nethost.test/redirect?to=http://10.0.2.2:5432/"),
]:
    try:
        print(label, "ok", requests.get(url, timeout=5).json()["title"])
    except requests.RequestException as error:
        print(label, "refused", type(error).__name__)
"""


@pytest.mark.parametrize(
    "network, reached",
    [(INTERNET, {"api", "other"}), (allow("api.nethost.test"), {"api"})],
    ids=["internet", "allow"],
)
def test_requests_reaches_what_the_policy_allows_and_no_redirect_inside(
    engine, network_hosts, network, reached
):
    outcome = run_on(engine, network_hosts, REQUESTS, network, packages=("requests",), timeout=60)

    verdicts = {line.split()[0]: line.split()[1] for line in outcome.stdout.splitlines()}
    expected = ("api", "other", "redirect-to-private", "redirect-to-gateway")
    assert verdicts == {k: "ok" if k in reached else "refused" for k in expected}, outcome.stderr
    assert "api ok hello from the test host" in outcome.stdout


AXIOS = """\
const axios = require("axios");

async function main() {
  const response = await axios.get("http://api.nethost.test/json", { timeout: 5000 });
  console.log(`status ${response.status}`);
  console.log(`title ${response.data.title}`);
  console.log(`user ${response.data.userId}`);
  try {
    await axios.get("http://other.nethost.test/json", { timeout: 5000 });
    console.log("other reached");
  } catch (error) {
    console.log(`other refused ${error.code}`);
  }
}

main();
"""


def test_axios_calls_an_allowed_api_and_prints_its_fields(engine, network_hosts):
    outcome = run_on(
        engine,
        network_hosts,
        AXIOS,
        allow("api.nethost.test"),
        "node",
        packages=("axios",),
        timeout=60,
    )

    assert outcome.stdout.splitlines() == [
        "status 200",
        "title hello from the test host",
        "user 7",
        "other refused ENOTFOUND",
    ], outcome.stderr
    assert outcome.result.network_blocked == ("other.nethost.test (not on the allow-list)",)
