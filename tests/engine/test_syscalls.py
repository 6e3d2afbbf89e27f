"""The seccomp filter denies the system calls a code runner never needs (x86_64 numbers).

Each call is made with arguments that would succeed, or fail differently, if it were
allowed, so EPERM / ENOSYS tells that the filter answered.
"""

from __future__ import annotations

import platform

import pytest

from .attacks import OneOf, attempts, python_probe

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(platform.machine() != "x86_64", reason="x86_64 system call numbers"),
]
ATTACKS_WITH_NETWORK = True  # each case also with network `internet` (conftest.py)

DENIED = OneOf("EPERM", "ENOSYS")
CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
KEY_SPEC_SESSION_KEYRING = -3

SYSCALL = """\
import ctypes, os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def syscall(number, *args):
    ctypes.set_errno(0)
    args = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    result = libc.syscall(ctypes.c_long(number), *args)
    if result == -1:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    return result


"""

CALLS = {
    "ptrace(PTRACE_TRACEME)": "syscall(101, 0, 0, 0, 0)",
    "mount(tmpfs)": "syscall(165, b'none', b'/tmp', b'tmpfs', 0, None)",
    "unshare(CLONE_NEWUSER)": f"syscall(272, {CLONE_NEWUSER})",
    "unshare(CLONE_NEWNS)": f"syscall(272, {CLONE_NEWNS})",
    "unshare(CLONE_NEWNET)": f"syscall(272, {CLONE_NEWNET})",
    "keyctl(KEYCTL_GET_KEYRING_ID)": f"syscall(250, 0, {KEY_SPEC_SESSION_KEYRING}, 1)",
    "add_key(user)": f"syscall(248, b'user', b'sandbox', b'x', 1, {KEY_SPEC_SESSION_KEYRING})",
    "bpf(BPF_MAP_CREATE)": "syscall(321, 0, None, 0)",
    "perf_event_open": "syscall(298, None, 0, -1, -1, 0)",
    "userfaultfd": "syscall(323, 0)",
    "io_uring_setup": "syscall(425, 1, None)",
    "kexec_load": "syscall(246, 0, 0, None, 0)",
    "init_module": "syscall(175, None, 0, b'')",
    "setns": "syscall(308, os.open('/proc/self/ns/net', os.O_RDONLY), 0)",
    "pivot_root": "syscall(155, b'/', b'/')",
}


@pytest.mark.parametrize("call", list(CALLS))
def test_a_dangerous_system_call_is_denied(run, call):
    outcome = run(python_probe(SYSCALL + f"attempt({call!r}, lambda: {CALLS[call]})\n"))

    assert attempts(outcome.stdout) == {call: DENIED}, outcome.stderr


def test_an_ordinary_system_call_made_the_same_way_succeeds(run):
    outcome = run(python_probe(SYSCALL + "attempt('getpid', lambda: syscall(39))\n"))

    assert attempts(outcome.stdout)["getpid"].startswith("LEAK: "), outcome.stderr


TIOCSTI = 0x5412
INJECT_INPUT = f"""\
import fcntl, os

primary, terminal = os.openpty()
for fd, label in ((0, "stdin"), (1, "stdout"), (2, "stderr"), (terminal, "a new pty")):
    attempt(f"TIOCSTI on {{label}}", lambda: fcntl.ioctl(fd, {TIOCSTI}, b"x"))
"""


def test_a_program_cannot_push_input_into_a_terminal_with_tiocsti(run):
    outcome = run(python_probe(INJECT_INPUT))

    assert attempts(outcome.stdout) == {
        "TIOCSTI on stdin": "EPERM",
        "TIOCSTI on stdout": "EPERM",
        "TIOCSTI on stderr": "EPERM",
        "TIOCSTI on a new pty": "EPERM",
    }, outcome.stderr
