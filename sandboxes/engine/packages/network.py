"""Network for an install sandbox, and only for it: slirp4netns, with private addresses blocked.

A run's sandbox has no network at all. An install sandbox starts the same way (its own,
empty network namespace) and, before the installer is let go, gets:

1. nftables rules inside its namespace (set by root through nsenter) that refuse every
   private, loopback, link-local, shared (CGNAT) and multicast destination, IPv4 and
   IPv6, and this host's own addresses: only slirp's DNS forwarder (10.0.2.3:53) is
   allowed among them. The installer runs without capabilities, so it cannot change them.
2. slirp4netns attached to the namespace: it forwards the sandbox's connections as
   ordinary sockets of its own, with connections to the host's loopback refused
   (--disable-host-loopback) and its own seccomp filter. It never runs as root: it runs in
   a bubblewrap of its own, joined to the install sandbox's user namespace (the sandbox
   user's, where it may configure that one network namespace and nothing on the host),
   seeing only /usr, the host's resolv.conf (for DNS) and /dev/net/tun.

If slirp4netns, nft or nsenter is missing, installs are refused (fail closed); runs
without packages do not need any of them.
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..bwrap import merged_usr_links
from ..errors import EngineUnavailable

NS_GET_USERNS = 0xB701  # ioctl: the user namespace that owns a namespace
SIOCGIFADDR = 0x8915
SLIRP_DNS = "10.0.2.3"
RESOLV_CONF = f"nameserver {SLIRP_DNS}\noptions timeout:2 attempts:3\n"
READY_SECONDS = 10
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


@dataclass(frozen=True)
class NetworkTools:
    slirp4netns: str
    nft: str
    nsenter: str
    bwrap: str

    def check(self) -> None:
        """Raise EngineUnavailable, saying what to install, unless every tool is there."""
        missing = [
            f"{tool} (apt-get install {package})"
            for tool, package in (
                (self.slirp4netns, "slirp4netns"),
                (self.nft, "nftables"),
                (self.nsenter, "util-linux"),
            )
            if shutil.which(tool) is None
        ]
        if missing:
            raise EngineUnavailable(
                "package installs are refused: they need network for the install step, "
                "given only through slirp4netns with private addresses blocked by nftables, "
                "and this host lacks " + ", ".join(missing)
            )


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


def ruleset(extra_blocked: Iterable[str] = ()) -> str:
    """The install namespace's firewall (nft -f syntax)."""
    v4 = list(BLOCKED_V4)
    v6 = list(BLOCKED_V6)
    for address in extra_blocked:
        parsed = ipaddress.ip_address(address)
        blocked = v4 if parsed.version == 4 else v6
        if not any(parsed in ipaddress.ip_network(network) for network in blocked):
            blocked.append(str(parsed))
    return (
        "table inet codesandboxes {\n"
        "  chain output {\n"
        "    type filter hook output priority 0; policy accept;\n"
        f"    ip daddr {SLIRP_DNS} meta l4proto {{ tcp, udp }} th dport 53 accept\n"
        f"    ip daddr {{ {', '.join(v4)} }} drop\n"
        f"    ip6 daddr {{ {', '.join(v6)} }} drop\n"
        "  }\n"
        "}\n"
    )


class InstallNetwork:
    """The network of one install sandbox; `close()` takes it down."""

    def __init__(self, tools: NetworkTools, uid: int, gid: int) -> None:
        self.tools = tools
        self.uid, self.gid = uid, gid
        self.slirp: asyncio.subprocess.Process | None = None
        self._exit_fd = -1

    async def connect(self, child_pid: int) -> None:
        """Firewall, then slirp4netns, for the namespace of `child_pid` (which waits)."""
        netns = os.open(f"/proc/{child_pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            userns = fcntl.ioctl(netns, NS_GET_USERNS)
            try:
                await self._firewall(netns)
                await self._start_slirp(netns, userns)
            finally:
                os.close(userns)
        finally:
            os.close(netns)

    async def _firewall(self, netns: int) -> None:
        enter = [self.tools.nsenter, f"--net=/proc/self/fd/{netns}"]
        rules = ruleset(host_addresses()).encode()
        setup = await asyncio.create_subprocess_exec(
            *enter, self.tools.nft, "-f", "-",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, pass_fds=(netns,), env={},
        )  # fmt: skip
        output, _ = await setup.communicate(rules)
        if setup.returncode != 0:
            raise EngineUnavailable(
                f"could not set the install sandbox's firewall: {output.decode().strip()}"
            )

    async def _start_slirp(self, netns: int, userns: int) -> None:
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
            "--netns-type=path", f"/proc/self/fd/{netns}", "tap0",
        ]  # fmt: skip
        try:
            self.slirp = await asyncio.create_subprocess_exec(
                *wrapper, *slirp,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE, env={}, cwd="/",
                user=self.uid, group=self.gid, extra_groups=[],
                pass_fds=(netns, userns, ready_write, exit_read), start_new_session=True,
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

    async def close(self) -> None:
        await self._stop()
