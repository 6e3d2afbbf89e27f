"""Sandbox processes started ahead of their run.

Moving a process into a cgroup costs the kernel an RCU grace period (5-10 ms on these
hosts, the largest part of a sandbox's start-up), and forking the server and exec'ing
bubblewrap cost a little more. So the engine keeps launchers ready, as many as runs may
start at once: bubblewrap, already running as the sandbox user inside a fresh run's
cgroups, blocked reading its arguments from a pipe. A run takes one and writes its
arguments, and bubblewrap goes on at once; the pool is then topped up in the background.

The launcher drops to the sandbox user through setpriv rather than Popen's `user=` and
`group=`: with those, Python must fork() the whole server (copying its page tables while
holding the GIL: tens of ms for a large process) where it can otherwise vfork().
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import secrets
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .cgroups import Cgroups, RunCgroup
from .seccomp import filter_fd

F_SETPIPE_SZ = 1031
ARGS_PIPE_BYTES = 1024 * 1024  # bubblewrap's arguments fit, environment variables included


@dataclass
class Launcher:
    run_id: str
    cgroup: RunCgroup
    process: asyncio.subprocess.Process
    status_read: int  # bubblewrap's --json-status-fd, read by the runner
    seccomp_fd: int  # fd numbers as the child sees them
    status_fd: int
    args_write: int

    def release(self, bwrap_args: Sequence[str]) -> None:
        """Hand the run over: bubblewrap reads its arguments and goes on."""
        payload = b"".join(arg.encode() + b"\0" for arg in bwrap_args)
        with os.fdopen(self.args_write, "wb") as pipe:
            self.args_write = -1
            pipe.write(payload)  # fits: the pipe was enlarged for it

    async def take_status_pipe(self) -> asyncio.StreamReader:
        """bubblewrap's status pipe, read on the running loop; the caller owns it from now on."""
        fd, self.status_read = self.status_read, -1
        reader = asyncio.StreamReader()
        await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
        )
        return reader

    def discard(self) -> None:
        """Let go of a launcher: kill what is left of it and remove its cgroup."""
        for name in ("args_write", "status_read"):
            fd = getattr(self, name)
            if fd >= 0:
                os.close(fd)
                setattr(self, name, -1)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        self.cgroup.remove()


class LauncherPool:
    """Up to `size` launchers kept ready for the event loop that last ran a sandbox: a
    burst of that many runs at once finds one each."""

    def __init__(
        self,
        cgroups: Cgroups,
        command: Callable[..., list[str]],
        uid: int,
        gid: int,
        setpriv: str = "/usr/bin/setpriv",
        size: int = 1,
    ):
        self.cgroups = cgroups
        self.command = command  # launcher_command with the engine's settings bound
        self.uid, self.gid = uid, gid
        self.setpriv = setpriv
        self.size = max(1, size)
        self.ready: list[asyncio.Task[Launcher]] = []

    async def take(self) -> Launcher:
        """A ready launcher, or a new one. Call `refill()` once the run has started."""
        loop = asyncio.get_running_loop()
        while self.ready:
            ready = self.ready.pop(0)
            if ready.get_loop() is not loop:
                _drop(ready)  # made for a loop that has ended
                continue
            launcher = None
            with contextlib.suppress(Exception):
                launcher = await ready
            if launcher is not None and launcher.process.returncode is None:
                return launcher
            if launcher is not None:
                await asyncio.to_thread(launcher.discard)
        return await self._start()

    def refill(self) -> None:
        """Top the pool up in the background: after a run has started, so that forking
        the server never delays one."""
        loop = asyncio.get_running_loop()
        while len(self.ready) < self.size:
            self.ready.append(loop.create_task(self._start()))

    def discard(self) -> None:
        """Drop the ready launchers (when their loop ends, or the engine is done)."""
        ready, self.ready = self.ready, []
        for task in ready:
            _drop(task)

    async def aclose(self) -> None:
        """Like discard, from the launchers' own loop: one still being started is finished
        first, so nothing is left half-made when the loop ends."""
        ready, self.ready = self.ready, []
        for task in ready:
            with contextlib.suppress(Exception):
                launcher = await task
                await asyncio.to_thread(launcher.discard)
                await launcher.process.wait()

    async def start_cold(self, pass_fds: tuple[int, ...] = ()) -> Launcher:
        """A launcher for the caller alone (an install sandbox), also given `pass_fds`."""
        return await self._start(pass_fds)

    async def _start(self, extra_fds: tuple[int, ...] = ()) -> Launcher:
        run_id = f"{os.getpid()}-{secrets.token_hex(6)}"
        cgroup = await asyncio.to_thread(self.cgroups.create, run_id)
        args_read, args_write = os.pipe2(os.O_CLOEXEC)
        fcntl.fcntl(args_write, F_SETPIPE_SZ, ARGS_PIPE_BYTES)
        status_read, status_write = os.pipe2(os.O_CLOEXEC)
        seccomp = filter_fd()
        try:
            process = await asyncio.create_subprocess_exec(
                self.setpriv,
                f"--reuid={self.uid}",
                f"--regid={self.gid}",
                "--clear-groups",
                "--",
                *self.command(args_fd=args_read),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env={},  # bubblewrap's own init inherits this: no host variable reaches it
                cwd="/",
                pass_fds=(args_read, status_write, seccomp, *extra_fds),
                start_new_session=True,
            )
        except BaseException:
            for fd in (args_write, status_read):
                os.close(fd)
            await asyncio.to_thread(cgroup.remove)
            raise
        finally:
            for fd in (args_read, status_write, seccomp):
                os.close(fd)
        launcher = Launcher(
            run_id=run_id,
            cgroup=cgroup,
            process=process,
            status_read=status_read,
            seccomp_fd=seccomp,
            status_fd=status_write,
            args_write=args_write,
        )
        try:
            # bubblewrap is blocked reading its arguments: it has started nothing yet, so
            # everything it will start is born inside the run's cgroups.
            await asyncio.to_thread(cgroup.attach, process.pid)
        except BaseException:
            await asyncio.to_thread(launcher.discard)
            raise
        return launcher


def _drop(ready: asyncio.Task[Launcher]) -> None:
    if not ready.done():
        ready.cancel()
    elif not ready.cancelled() and ready.exception() is None:
        ready.result().discard()
