"""Ubuntu 23.10+ restricts unprivileged user namespaces through AppArmor.

With `kernel.apparmor_restrict_unprivileged_userns=1`, a program without an AppArmor
profile that grants `userns` gets a user namespace with no capabilities in it, so
bubblewrap (run as the unprivileged sandbox user) fails to set up its uid map.
scripts/install then installs a profile for the bwrap binary (scripts/lib/apparmor.sh).
"""

from __future__ import annotations

from pathlib import Path

SYSCTL = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
PROFILE = Path("/etc/apparmor.d/codesandboxes-bwrap")


def userns_restriction(bwrap: str, *, sysctl: Path = SYSCTL, profile: Path = PROFILE) -> str:
    """Why bubblewrap may be refused its user namespace here ("" if nothing says so)."""
    try:
        restricted = sysctl.read_text().strip() == "1"
    except OSError:
        return ""
    if not restricted:
        return ""
    state = (
        f"its profile {profile} is installed: check that it names {bwrap} and is loaded "
        f"(`apparmor_parser -r {profile}`)"
        if profile.exists()
        else f"no profile grants {bwrap} one: `scripts/install` installs {profile}"
    )
    return (
        "AppArmor restricts unprivileged user namespaces on this host "
        "(kernel.apparmor_restrict_unprivileged_userns=1, as on Ubuntu 23.10 and later), "
        f"and {state}. Or allow them for every program: "
        "`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (and the same line in "
        "/etc/sysctl.d/)."
    )
