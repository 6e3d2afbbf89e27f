"""Ubuntu's AppArmor user-namespace restriction: scripts/install detects it and installs a
profile for bwrap alone; the engine's refusal explains it. No host setting is changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sandboxes.engine.apparmor import userns_restriction

REPO = Path(__file__).resolve().parents[2]
LIBRARY = REPO / "scripts/lib/apparmor.sh"


def shell(command: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", f'say() {{ echo "$*"; }}; die() {{ exit 9; }}; . {LIBRARY}; {command}'],
        env={"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(("value", "restricted"), [("1\n", True), ("0\n", False), (None, False)])
def test_the_restriction_is_detected_from_its_sysctl(tmp_path, value, restricted):
    sysctl = tmp_path / "apparmor_restrict_unprivileged_userns"
    if value is not None:
        sysctl.write_text(value)

    result = shell("userns_restricted", APPARMOR_USERNS_SYSCTL=str(sysctl))

    assert (result.returncode == 0) is restricted


def test_the_profile_grants_user_namespaces_to_the_bwrap_binary_and_nothing_else():
    text = shell("bwrap_profile /usr/bin/bwrap").stdout

    rules = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert rules == [
        "abi <abi/4.0>,",
        "include <tunables/global>",
        "profile codesandboxes-bwrap /usr/bin/bwrap flags=(unconfined) {",
        "userns,",
        "include if exists <local/codesandboxes-bwrap>",
        "}",
    ]


@pytest.mark.skipif(
    not Path("/etc/apparmor.d/abi/4.0").exists(), reason="this AppArmor predates user namespaces"
)
def test_apparmor_parses_the_profile(tmp_path):
    profile = tmp_path / "codesandboxes-bwrap"
    profile.write_text(shell("bwrap_profile /usr/bin/bwrap").stdout)

    parsed = subprocess.run(
        ["apparmor_parser", "--skip-kernel-load", "--skip-cache", str(profile)],
        capture_output=True,
        text=True,
    )

    assert parsed.returncode == 0, parsed.stderr


def test_install_leaves_a_host_without_the_restriction_alone(tmp_path):
    sysctl = tmp_path / "sysctl"
    sysctl.write_text("0\n")
    profile = tmp_path / "codesandboxes-bwrap"

    result = shell(
        "install_bwrap_profile /usr/bin/bwrap",
        APPARMOR_USERNS_SYSCTL=str(sysctl),
        APPARMOR_BWRAP_PROFILE=str(profile),
    )

    assert result.returncode == 0
    assert not profile.exists()


def test_the_engine_explains_the_restriction_and_both_ways_out(tmp_path):
    sysctl = tmp_path / "sysctl"
    sysctl.write_text("1\n")
    profile = tmp_path / "codesandboxes-bwrap"

    missing = userns_restriction("/usr/bin/bwrap", sysctl=sysctl, profile=profile)
    profile.write_text("profile ...")
    installed = userns_restriction("/usr/bin/bwrap", sysctl=sysctl, profile=profile)
    sysctl.write_text("0\n")
    unrestricted = userns_restriction("/usr/bin/bwrap", sysctl=sysctl, profile=profile)

    assert "kernel.apparmor_restrict_unprivileged_userns=1" in missing
    assert f"`scripts/install` installs {profile}" in missing
    assert "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" in missing
    assert f"`apparmor_parser -r {profile}`" in installed
    assert unrestricted == ""
