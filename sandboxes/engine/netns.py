"""A sandbox's network, whoever it is for (an install, a run): what it may never reach, and
the plumbing that connects its network namespace to the outside.

Every sandbox starts in its own, empty network namespace (bubblewrap's --unshare-net). A
sandbox that is given network gets, before its program is let go:

1. nftables rules inside its namespace (set by root through nsenter): the caller's
   ruleset, always refusing the ranges below and this host's own addresses. The program
   runs without capabilities, so it cannot change them.
2. slirp4netns attached to the namespace: it forwards the sandbox's connections as
   ordinary sockets of its own, with connections to the host's loopback refused
   (--disable-host-loopback) and its own seccomp filter. It never runs as root: it runs in
   a bubblewrap of its own, joined to the sandbox's user namespace (the sandbox user's,
   where it may configure that one network namespace and nothing on the host), seeing
   only /usr, the host's resolv.conf and /dev/net/tun.

slirp4netns was chosen over pasta (Debian's passt): on this kind of host it attaches in
~40 ms where bookworm's pasta takes ~700 ms (bench/network.py's notes).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import ipaddress
import os
import shutil
import signal
import socket
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from .bwrap import merged_usr_links
from .errors import EngineUnavailable

NS_GET_USERNS = 0xB701  # ioctl: the user namespace that owns a namespace
SIOCGIFADDR = 0x8915
SLIRP_DNS = "10.0.2.3"
READY_SECONDS = 10
IPV6_SETUP = b"addr add fd00::100/64 dev tap0 nodad\nroute add default via fd00::2 dev tap0\n"
# Never reachable from a sandbox, whatever its policy (SANDBOX_NETWORK_ALLOW_CIDRS may lift
# them for `internet` runs, never METADATA nor this host's own addresses).
BLOCKED_V4 = (
    "0.0.0.0/8",
    "10.0.0.0/8",  # private, and slirp's own network (10.0.2.2 is the host)
    "100.64.0.0/10",  # shared address space (CGNAT)
    "127.0.0.0/8",
    "169.254.0.0/16",  # link-local, cloud metadata services
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/3",  # multicast and reserved
)
BLOCKED_V6 = ("::1/128", "::/128", "::ffff:0:0/96", "fc00::/7", "fe80::/10", "ff00::/8")
# Refused to runs as well (not to installs: some hosts reach their registries through a
# proxy at a documentation address, as this project's CI does).
RESERVED_V4 = (
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24",  # documentation (TEST-NET-1..3)
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",
    "203.0.113.0/24",
)
RESERVED_V6 = (
    "64:ff9b::/96",  # NAT64: an IPv4 address in disguise
    "64:ff9b:1::/48",
    "100::/64",  # discard
    "2001::/23",  # IETF protocol assignments (Teredo among them)
    "2001:db8::/32",  # documentation
    "2002::/16",  # 6to4: an IPv4 address in disguise
    "fec0::/10",
)
RUN_BLOCKED_V4 = BLOCKED_V4 + RESERVED_V4
RUN_BLOCKED_V6 = BLOCKED_V6 + RESERVED_V6
METADATA = ("169.254.169.254", "fd00:ec2::254")  # cloud metadata services


def host_addresses() -> list[str]:
    """This host's own addresses (a service bound to 0.0.0.0 listens on each of them)."""
    found = []
    for _index, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            request = struct.pack("256s", name.encode()[:15])
            with contextlib.suppress(OSError):
                reply = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
                found.append(socket.inet_ntoa(reply[20:24]))
    with contextlib.suppress(OSError), open("/proc/net/if_inet6") as table:
        for line in table:
            raw = line.split()[0]
            found.append(str(ipaddress.IPv6Address(bytes.fromhex(raw))))
    return sorted(set(found))


def blocked_reason(address: str) -> str | None:
    """Why `address` is in an always-refused range ("private address"), else None."""
    parsed = ipaddress.ip_address(address)
    if str(parsed) in METADATA:
        return "cloud metadata address"
    ranges = RUN_BLOCKED_V4 if parsed.version == 4 else RUN_BLOCKED_V6
    if not any(parsed in ipaddress.ip_network(network) for network in ranges):
        return None
    for test, words in (
        ("is_loopback", "loopback address"),
        ("is_link_local", "link-local address"),
        ("is_multicast", "multicast address"),
    ):
        if getattr(parsed, test):
            return words
    if parsed.version == 4 and parsed in ipaddress.ip_network("100.64.0.0/10"):
        return "shared (CGNAT) address"
    if parsed in ipaddress.ip_network("10.0.0.0/8") or parsed in ipaddress.ip_network(
        "172.16.0.0/12"
    ):
        return "private address"
    if parsed in ipaddress.ip_network("192.168.0.0/16") or parsed in ipaddress.ip_network(
        "fc00::/7"
    ):
        return "private address"
    return "reserved address"


def nft_addresses(addresses) -> str:
    return ", ".join(str(a) for a in addresses)


@dataclass(frozen=True)
class NetworkTools:
    slirp4netns: str
    nft: str
    nsenter: str
    bwrap: str

    def missing(self) -> list[str]:
        """What is not installed, with the package that brings it."""
        return [
            f"{tool} (apt-get install {package})"
            for tool, package in (
                (self.slirp4netns, "slirp4netns"),
                (self.nft, "nftables"),
                (self.nsenter, "util-linux"),
            )
            if shutil.which(tool) is None
        ]

    def check(self, refused: str) -> None:
        """Raise EngineUnavailable, saying what is `refused` and what to install."""
        if missing := self.missing():
            raise EngineUnavailable(
                f"{refused}: a sandbox's network is given only through slirp4netns, with "
                "private addresses blocked by nftables, and this host lacks " + ", ".join(missing)
            )


async def _user_mapped(child_pid: int) -> None:
    """Wait until the sandbox's user namespace has its uid map (bubblewrap reports the
    child before the child writes it; slirp4netns's bubblewrap cannot join before)."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        with open(f"/proc/{child_pid}/uid_map") as mapping:
            if mapping.read().strip():
                return
        await asyncio.sleep(0.001)
    raise EngineUnavailable("the sandbox's user namespace was not set up in time")


class NamespaceNetwork:
    """The network of one sandbox; `close()` takes it down. Holds the namespace open until
    then, so its counters can be read after the program ended (`nft()`)."""

    def __init__(self, tools: NetworkTools, uid: int, gid: int, *, ipv6: bool = False) -> None:
        self.tools = tools
        self.uid, self.gid = uid, gid
        self.ipv6 = ipv6
        self.slirp: asyncio.subprocess.Process | None = None
        self.netns = -1
        self._exit_fd = -1

    async def connect(self, child_pid: int, rules: str) -> None:
        """Firewall `rules` (nft -f syntax), then slirp4netns, for the namespace of
        `child_pid` (which waits)."""
        self.netns = os.open(f"/proc/{child_pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        userns = fcntl.ioctl(self.netns, NS_GET_USERNS)
        await _user_mapped(child_pid)
        # The firewall goes up beside slirp4netns (the sandbox's program waits for both).
        firewall = asyncio.ensure_future(
            self.nft("-f", "-", input=rules.encode(), what="set the sandbox's firewall")
        )
        try:
            await self._start_slirp(userns)
            if self.ipv6 and (ip := shutil.which("ip")):
                # slirp4netns leaves IPv6 to router advertisements (seconds, after address
                # checks): its guest address and gateway are set at once instead.
                await self.run(ip, "-6", "-batch", "-", input=IPV6_SETUP, what="set up IPv6")
        finally:
            os.close(userns)
            await firewall  # raises when the rules could not be set

    async def nft(self, *args: str, input: bytes = b"", what: str = "run nft") -> str:
        """nft with `args`, inside the sandbox's namespace; its output."""
        return await self.run(self.tools.nft, *args, input=input, what=what)

    async def run(self, *command: str, input: bytes = b"", what: str) -> str:
        """`command` inside the sandbox's network namespace (as root); its output."""
        process = await asyncio.create_subprocess_exec(
            self.tools.nsenter, f"--net=/proc/self/fd/{self.netns}", *command,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, pass_fds=(self.netns,), env={},
        )  # fmt: skip
        output, errors = await process.communicate(input)
        if process.returncode != 0:
            raise EngineUnavailable(f"could not {what}: {errors.decode().strip()}")
        return output.decode()

    async def _start_slirp(self, userns: int) -> None:
        ready_read, ready_write = os.pipe2(os.O_CLOEXEC)
        exit_read, self._exit_fd = os.pipe2(os.O_CLOEXEC)
        resolv = Path("/etc/resolv.conf").resolve()
        # The user namespace joined is the sandbox user's own (see the module docstring).
        wrapper = [
            self.tools.bwrap, "--userns", str(userns), "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--die-with-parent", "--new-session",
            "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_NET_ADMIN",
            "--ro-bind", "/usr", "/usr", *merged_usr_links(),
            "--proc", "/proc", "--dev", "/dev", "--dev-bind", "/dev/net/tun", "/dev/net/tun",
            "--ro-bind", str(resolv), "/etc/resolv.conf", "--remount-ro", "/",
            "--clearenv", "--",
        ]  # fmt: skip
        slirp = [
            self.tools.slirp4netns, "--configure", "--mtu=65520", "--disable-host-loopback",
            "--enable-seccomp", f"--ready-fd={ready_write}", f"--exit-fd={exit_read}",
            *(["--enable-ipv6"] if self.ipv6 else []),
            "--netns-type=path", f"/proc/self/fd/{self.netns}", "tap0",
        ]  # fmt: skip
        try:
            self.slirp = await asyncio.create_subprocess_exec(
                *wrapper, *slirp,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE, env={}, cwd="/",
                user=self.uid, group=self.gid, extra_groups=[],
                pass_fds=(self.netns, userns, ready_write, exit_read), start_new_session=True,
            )  # fmt: skip
        finally:
            os.close(ready_write)
            os.close(exit_read)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(ready_read, "rb", buffering=0)
        )
        try:
            ready = await asyncio.wait_for(reader.read(1), READY_SECONDS)
        except TimeoutError:
            ready = b""
        finally:
            transport.close()
        if ready != b"1":
            errors = await self._stop()
            raise EngineUnavailable(f"slirp4netns did not start: {errors or 'no message'}")

    async def _stop(self) -> str:
        if self._exit_fd >= 0:
            os.close(self._exit_fd)  # slirp4netns exits when this closes
            self._exit_fd = -1
        slirp, self.slirp = self.slirp, None
        if slirp is None:
            return ""
        try:
            await asyncio.wait_for(slirp.wait(), 2)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(slirp.pid, signal.SIGKILL)
            await slirp.wait()
        assert slirp.stderr is not None
        return (await slirp.stderr.read()).decode(errors="replace").strip()[-2000:]

    async def stop_forwarding(self) -> None:
        """Stop slirp4netns; the namespace (and its counters) stays until close()."""
        await self._stop()

    async def close(self) -> None:
        await self._stop()
        if self.netns >= 0:
            os.close(self.netns)
            self.netns = -1
