"""`manage.py run_sandbox --network ... --deny ...`: parsing, the JSON fields, the hint."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from sandboxes.engine import Network, NetworkPolicy
from sandboxes.management.commands.run_sandbox import _network


@pytest.mark.parametrize(
    ("network", "deny", "policy"),
    [
        ("none", "", NetworkPolicy()),
        ("internet", "", NetworkPolicy(mode="internet")),
        ("internet", "a.com, *.b.org", NetworkPolicy(mode="internet", deny=("a.com", "*.b.org"))),
        (
            "allow:api.github.com,*.PyPI.org",
            "",
            NetworkPolicy(mode="allow_list", allow=("api.github.com", "*.pypi.org")),
        ),
        (
            "allow:example.com",
            "x.example.com",
            NetworkPolicy(mode="allow_list", allow=("example.com",), deny=("x.example.com",)),
        ),
    ],
)
def test_network_and_deny_become_the_runs_policy(network, deny, policy):
    assert _network(network, deny) == policy


@pytest.mark.parametrize(
    ("network", "deny", "message"),
    [
        ("everything", "", "--network is none, internet or allow:DOMAIN"),
        ("allow:", "", "--network allow: needs domains"),
        ("allow:10.0.0.5", "", "--network: network.allow: '10.0.0.5' is an address"),
        ("allow:not a name", "", "--network: network.allow: 'not a name' is not a domain"),
        ("internet", "bad..name", "--deny: network.deny: 'bad..name' is not a valid domain name"),
        ("none", "a.com", "--deny: network.deny does not apply when the network is none"),
    ],
)
def test_bad_network_options_are_a_clear_command_error(network, deny, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        _network(network, deny)


def test_the_default_is_no_network():
    assert _network("none", "").mode is Network.NONE


def run_json(*args: str) -> dict:
    out = io.StringIO()
    real_stdin = sys.stdin
    try:
        call_command("run_sandbox", *args, "--json", stdout=out)
    finally:
        sys.stdin = real_stdin
    return json.loads(out.getvalue())


@pytest.mark.sandbox
def test_json_has_the_network_fields_and_the_hint_when_a_lookup_failed(tmp_path):
    path = tmp_path / "main.py"
    path.write_text("import socket\nsocket.getaddrinfo('api.example.com', 443)\n")

    result = run_json(str(path))

    assert result["status"] == "failed"
    assert (result["network_bytes_in"], result["network_bytes_out"]) == (0, 0)
    assert result["network_blocked"] == [] and result["network_blocked_count"] == 0
    assert result["hint"] == (
        "This run has no network; pass --network internet or --network allow:DOMAIN[,DOMAIN...]."
    )


@pytest.mark.sandbox
def test_a_run_that_never_uses_the_network_has_no_hint(tmp_path):
    path = tmp_path / "main.py"
    path.write_text("print('offline')\n")

    result = run_json(str(path))

    assert (result["status"], result["stdout"], result["hint"]) == ("succeeded", "offline\n", "")
