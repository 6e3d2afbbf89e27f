"""gVisor's platform: kvm only after a test sandbox finished on it, else ptrace, with the
reason `manage.py check` shows; the answer is kept per boot. runsc is a stand-in script here
(whether this host's KVM works is not what these tests decide)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sandboxes.engine.gvisor_platform import choose


@pytest.fixture
def device(tmp_path) -> Path:
    kvm = tmp_path / "kvm"
    kvm.write_text("")
    return kvm


def fake_runsc(tmp_path: Path, body: str) -> str:
    """A runsc that records its arguments, then does `body`."""
    script = tmp_path / "runsc"
    script.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/calls\n{body}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_kvm_is_chosen_when_a_test_sandbox_finishes_on_it(tmp_path, device):
    runsc = fake_runsc(tmp_path, "exit 0")

    platform = choose(runsc, tmp_path, device=device)

    assert platform.name == "kvm"
    assert "--platform kvm" in calls(tmp_path)[0] and calls(tmp_path)[0].endswith("do /bin/true")


def test_a_kvm_that_hangs_falls_back_to_ptrace_and_says_so(tmp_path, device):
    runsc = fake_runsc(tmp_path, "sleep 30")

    platform = choose(runsc, tmp_path, device=device, probe_seconds=0.5)

    assert platform.name == "ptrace"
    assert platform.reason == "a test sandbox on kvm did not finish in 0.5 s"


def test_a_kvm_that_fails_falls_back_to_ptrace_with_runscs_last_words(tmp_path, device):
    runsc = fake_runsc(tmp_path, "echo 'starting' >&2; echo 'kvm: no usable vCPU' >&2; exit 128")

    platform = choose(runsc, tmp_path, device=device)

    assert platform == type(platform)("ptrace", "a test sandbox on kvm failed: kvm: no usable vCPU")


def test_without_a_usable_kvm_device_nothing_is_tried(tmp_path):
    runsc = fake_runsc(tmp_path, "exit 0")

    platform = choose(runsc, tmp_path, device=tmp_path / "absent")

    assert platform.name == "ptrace" and "absent or not usable" in platform.reason
    assert calls(tmp_path) == []


def test_the_answer_is_kept_for_the_boot_and_asked_again_for_a_new_runsc(tmp_path, device):
    runsc = fake_runsc(tmp_path, "exit 0")
    first = choose(runsc, tmp_path, device=device)
    second = choose(runsc, tmp_path, device=device)
    os.utime(runsc, (1, 1))  # another runsc binary
    third = choose(runsc, tmp_path, device=device)

    assert first == second == third
    assert len(calls(tmp_path)) == 2
