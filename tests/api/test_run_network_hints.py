"""Real runs with no network: a program that fails to resolve or connect gets one line
saying why and how to change it; a program that never tries gets nothing."""

from __future__ import annotations

import json

import pytest

from sandboxes.network import NO_NETWORK_HINT

URL = "/api/sandbox"

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]

PYTHON_LOOKUP = """\
import socket
socket.getaddrinfo("api.example.com", 443)
"""
PYTHON_CONNECT = """\
import socket
socket.create_connection(("203.0.113.10", 80), timeout=5)
"""
NODE_FETCH = """\
fetch("http://api.example.com/").then(r => console.log(r.status));
"""
NODE_FETCH_CAUGHT = """\
fetch("http://api.example.com/")
  .then(r => console.log(r.status))
  .catch(e => { console.error("Error fetching data:", e.cause?.code ?? e.message); });
"""


async def run(client, **body) -> dict:
    response = await client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    ("runtime", "code"),
    [("python", PYTHON_LOOKUP), ("python", PYTHON_CONNECT), ("node", NODE_FETCH)],
)
async def test_a_failed_lookup_or_connection_ends_with_the_hint_once(
    live_dispatcher, async_api, runtime, code
):
    result = await run(async_api, runtime=runtime, code=code)

    assert result["status"] == "failed"
    assert result["error"] == NO_NETWORK_HINT
    assert result["network"]["mode"] == "none"
    assert NO_NETWORK_HINT not in result["stderr"]  # the program's own output is its own


async def test_a_program_that_catches_the_failure_still_gets_the_hint(live_dispatcher, async_api):
    result = await run(async_api, runtime="node", code=NODE_FETCH_CAUGHT)

    assert result["status"] == "succeeded"
    assert result["stderr"].startswith("Error fetching data: ")
    assert result["error"] == NO_NETWORK_HINT


async def test_a_run_with_none_that_never_uses_the_network_is_unchanged(live_dispatcher, async_api):
    result = await run(async_api, code="print('offline and fine')", network="none")

    assert result["status"] == "succeeded"
    assert result["stdout"] == "offline and fine\n"
    assert result["error"] is None
    assert (result["networkBytesIn"], result["networkBytesOut"]) == (0, 0)
    assert result["networkBlocked"] == []
