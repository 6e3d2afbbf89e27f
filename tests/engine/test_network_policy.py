"""A run's network policy: what it accepts, how it normalises, which names it allows."""

from __future__ import annotations

import pytest

from sandboxes.engine import InvalidSpec, Network, NetworkPolicy, RunSpec
from sandboxes.engine.network_policy import MAX_PATTERNS, domain_pattern


def test_a_run_has_no_network_unless_it_asks():
    spec = RunSpec(runtime="python", files={"main.py": b""}, entry="main.py")
    assert spec.network == NetworkPolicy(mode=Network.NONE)
    assert not spec.network.enabled
    assert not spec.network.allows_name("example.com")


def test_a_bare_mode_is_accepted_where_a_policy_is_expected():
    spec = RunSpec(runtime="python", files={"main.py": b""}, entry="main.py", network="internet")
    assert spec.network.mode is Network.INTERNET


@pytest.mark.parametrize(
    "given, expected",
    [
        ("API.GitHub.com.", "api.github.com"),
        ("*.PyPI.org", "*.pypi.org"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_domains_are_normalised(given, expected):
    assert domain_pattern(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "10.0.0.1",
        "[::1]",
        "localhost",
        "a..b",
        "-a.example",
        "ex ample.com",
        "a.*.example",
        "*",
        "",
        "x" * 64 + ".com",
        "http://example.com",
    ],
)
def test_what_is_not_a_domain_name_is_refused_naming_the_field(given):
    with pytest.raises(InvalidSpec, match="network.allow"):
        NetworkPolicy(mode=Network.ALLOW_LIST, allow=(given,))


def test_an_allow_list_needs_a_domain_and_at_most_the_limit():
    with pytest.raises(InvalidSpec, match="at least one"):
        NetworkPolicy(mode=Network.ALLOW_LIST)
    many = tuple(f"h{i}.example.com" for i in range(MAX_PATTERNS + 1))
    with pytest.raises(InvalidSpec, match=f"at most {MAX_PATTERNS}"):
        NetworkPolicy(mode=Network.ALLOW_LIST, allow=many)


def test_lists_that_would_mean_nothing_are_refused():
    with pytest.raises(InvalidSpec, match="only applies"):
        NetworkPolicy(mode=Network.INTERNET, allow=("example.com",))
    with pytest.raises(InvalidSpec, match="none"):
        NetworkPolicy(mode=Network.NONE, deny=("example.com",))
    with pytest.raises(InvalidSpec, match="one of"):
        NetworkPolicy(mode="intranet")


def test_a_wildcard_matches_names_under_it_but_not_itself():
    policy = NetworkPolicy(mode=Network.ALLOW_LIST, allow=("*.pypi.org", "api.github.com"))
    assert policy.allows_name("files.pypi.org")
    assert policy.allows_name("a.b.PYPI.org.")
    assert not policy.allows_name("pypi.org")
    assert not policy.allows_name("evilpypi.org")
    assert policy.allows_name("api.github.com")
    assert not policy.allows_name("github.com")


def test_the_deny_list_wins():
    allow = NetworkPolicy(
        mode=Network.ALLOW_LIST, allow=("*.example.com",), deny=("x.example.com",)
    )
    assert allow.allows_name("y.example.com")
    assert not allow.allows_name("x.example.com")
    internet = NetworkPolicy(mode=Network.INTERNET, deny=("*.example.net",))
    assert internet.allows_name("example.org")
    assert not internet.allows_name("a.example.net")
