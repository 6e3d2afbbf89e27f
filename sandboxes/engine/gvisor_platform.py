"""Which gVisor platform runs the sentry: kvm where this host's KVM works for it, else ptrace.

kvm is faster (the sentry runs the program in a guest mode of the CPU instead of stopping
it at every system call), but /dev/kvm may exist and still not work for runsc: nested or
paravirtual KVM (PVM) where it hangs. So kvm is chosen only after a test sandbox
(`runsc do /bin/true`) finishes on it in time. The answer is kept per boot of the host
(and per runsc binary): only the first engine of a boot pays for the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

KVM_DEVICE = Path("/dev/kvm")
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
PROBE_SECONDS = 20


@dataclass(frozen=True)
class Platform:
    name: str  # "kvm" or "ptrace"
    reason: str  # why, for `manage.py check`


def choose(
    runsc: str, state_dir: Path, *, device: Path = KVM_DEVICE, probe_seconds: float = PROBE_SECONDS
) -> Platform:
    if not os.access(device, os.R_OK | os.W_OK):
        return Platform("ptrace", f"{device} is absent or not usable")
    cache = state_dir / "platform"
    key = f"{_boot_id()} {runsc} {_mtime(runsc)}"
    with contextlib.suppress(OSError, ValueError):
        cached_key, name, reason = cache.read_text().split("\n", 2)
        if cached_key == key:
            return Platform(name, reason)
    platform = _probe(runsc, probe_seconds)
    with contextlib.suppress(OSError):
        cache.write_text(f"{key}\n{platform.name}\n{platform.reason}")
    return platform


def _probe(runsc: str, seconds: float) -> Platform:
    with tempfile.TemporaryDirectory(prefix="runsc-kvm-") as state:
        try:
            probe = subprocess.Popen(
                [runsc, "--root", state, "--platform", "kvm", "--network", "none",
                 "--ignore-cgroups", "do", "/bin/true"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                start_new_session=True,
            )  # fmt: skip
        except OSError as error:
            return Platform("ptrace", f"runsc could not start ({error.strerror})")
        try:
            _, stderr = probe.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(probe.pid, signal.SIGKILL)
            probe.communicate()
            return Platform("ptrace", f"a test sandbox on kvm did not finish in {seconds:g} s")
    if probe.returncode != 0:
        last = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        return Platform("ptrace", f"a test sandbox on kvm failed: {last[0][:200]}")
    return Platform("kvm", f"{KVM_DEVICE} works for gVisor")


def _boot_id() -> str:
    try:
        return BOOT_ID.read_text().strip()
    except OSError:
        return "unknown"


def _mtime(path: str) -> int:
    try:
        return int(os.stat(path).st_mtime)
    except OSError:
        return 0
