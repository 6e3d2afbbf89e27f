"""Without slirp4netns (or nft), runs with network are refused, saying what to install;
runs without network go on, and `manage.py check` warns."""

from __future__ import annotations

import dataclasses

import pytest

from sandboxes.checks import check_sandbox_engine
from sandboxes.engine import EngineUnavailable, NetworkPolicy, RunSpec

pytestmark = pytest.mark.sandbox


@pytest.fixture
def without_slirp(engine, monkeypatch):
    tools = dataclasses.replace(engine.network_tools, slirp4netns="/nonexistent/slirp4netns")
    monkeypatch.setattr(engine, "network_tools", tools)
    return engine


def spec(network: str) -> RunSpec:
    return RunSpec(
        runtime="python",
        files={"main.py": b"print('ran')"},
        entry="main.py",
        network=NetworkPolicy(mode=network),
    )


def test_a_run_with_network_is_refused_when_slirp4netns_is_missing(without_slirp):
    with pytest.raises(EngineUnavailable, match=r"apt-get install slirp4netns"):
        without_slirp.run_sync(spec("internet"))


def test_a_run_without_network_goes_on_when_slirp4netns_is_missing(without_slirp):
    output = []

    result = without_slirp.run_sync(spec("none"), on_output=lambda _s, data: output.append(data))

    assert result.ok and b"".join(output) == b"ran\n"


def test_manage_py_check_says_runs_with_network_are_refused_and_what_to_install(
    without_slirp, monkeypatch
):
    monkeypatch.setattr("sandboxes.checks.get_engine", lambda: without_slirp)

    warnings = {w.id: w for w in check_sandbox_engine(None)}

    assert warnings["sandboxes.W004"].msg.startswith("Runs with network (internet or an")
    assert "apt-get install slirp4netns" in warnings["sandboxes.W004"].msg
