"""The seccomp filter every sandboxed program runs under.

Allow by default and deny what a code runner never needs: debugging other processes,
kernel and namespace administration, and the kernel interfaces with a long record of
privilege-escalation bugs (io_uring, bpf, userfaultfd, perf). Denials return an errno,
as Docker's and Flatpak's filters do, so programs fail cleanly instead of crashing.
"""

from __future__ import annotations

import errno
import functools
import os

import pyseccomp as seccomp

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWTIME = 0x00000080
NAMESPACE_FLAGS = (
    CLONE_NEWNS
    | CLONE_NEWCGROUP
    | CLONE_NEWUTS
    | CLONE_NEWIPC
    | CLONE_NEWUSER
    | CLONE_NEWPID
    | CLONE_NEWNET
    | CLONE_NEWTIME
)
TIOCSTI = 0x5412
TIOCLINUX = 0x541C

DENIED = (
    # other processes and the kernel's memory
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    # mounts and namespaces
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "setns",
    "mount_setattr",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    # kernel keyring
    "keyctl",
    "add_key",
    "request_key",
    # risky kernel interfaces
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "fanotify_init",
    "lookup_dcookie",
    "open_by_handle_at",
    "name_to_handle_at",
    # machine administration
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "syslog",
    "vhangup",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "iopl",
    "ioperm",
    "uselib",
    "nfsservctl",
)
# io_uring answers ENOSYS so runtimes (libuv in Node) fall back to ordinary I/O.
NOT_IMPLEMENTED = ("io_uring_setup", "io_uring_enter", "io_uring_register", "clone3")


@functools.cache
def filter_program() -> bytes:
    """The filter compiled to BPF, as bubblewrap's --seccomp reads it (built once)."""
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    deny = seccomp.ERRNO(errno.EPERM)
    for name in DENIED:
        rules.add_rule(deny, name)
    for name in NOT_IMPLEMENTED:
        # clone3 passes its flags in memory a filter cannot read: answering ENOSYS makes
        # glibc fall back to clone, whose flags are checked below.
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), name)
    for name in ("unshare", "clone"):
        rules.add_rule(deny, name, seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))
        for flag in (CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWCGROUP):
            rules.add_rule(deny, name, seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    for request in (TIOCSTI, TIOCLINUX):
        rules.add_rule(deny, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, request))
    fd = os.memfd_create("seccomp-export", 0)
    with os.fdopen(fd, "w+b") as buffer:
        rules.export_bpf(buffer)
        buffer.seek(0)
        return buffer.read()


def filter_fd() -> int:
    """A fresh file descriptor holding the filter, for one bwrap to read (caller closes)."""
    fd = os.memfd_create("seccomp", 0)
    os.write(fd, filter_program())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
