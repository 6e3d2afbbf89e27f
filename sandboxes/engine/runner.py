"""Drives one started sandbox: streams its output, enforces time, CPU and output limits,
handles cancel, and decides how the run ended.

Shared by both backends. bubblewrap reports its child and the program's exit code on a
status pipe; runsc has no such pipe (``status_pipe=None``): it simply exits with the
program's exit status, 128 + N for a death by signal N, as bubblewrap reports it. Whether
runsc failed itself is only known afterwards, from ``sandbox_failure``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from .cgroups import RunCgroup, Usage
from .errors import OutputFailed, SandboxFailed
from .spec import Limits, Status
from .stdin import InputStream

OutputCallback = Callable[[str, bytes], Awaitable[None] | None]


class NetworkCap(Protocol):
    @property
    def max_bytes(self) -> int | None: ...

    def over_cap(self) -> bool: ...


# Given the exit code of a run that failed, says whether the sandbox itself failed, and why.
SandboxFailure = Callable[[int | None], str | None]

READ_SIZE = 64 * 1024
CPU_POLL_SECONDS = 0.25
START_TIMEOUT_SECONDS = 10
DRAIN_SECONDS = 1.0

logger = logging.getLogger(__name__)


class Runner:
    def __init__(
        self,
        process: asyncio.subprocess.Process,
        status_pipe: asyncio.StreamReader | None,
        cgroup: RunCgroup,
        limits: Limits,
        on_output: OutputCallback | None,
        cancelled: asyncio.Event,
        sandbox_failure: SandboxFailure | None = None,
        network: NetworkCap | None = None,
    ) -> None:
        self.process = process
        self.status_pipe = status_pipe
        self.cgroup = cgroup
        self.limits = limits
        self.on_output = on_output
        self.cancelled = cancelled
        self.sandbox_failure = sandbox_failure
        self.network = network  # a run with network: ended when over its byte cap
        self.output_left = limits.output_bytes
        self.truncated = False
        self.end_reason: Status | None = None  # set when the runner ends the run
        self.error = ""
        self.exit_code: int | None = None
        self.child_pid = 0  # the sandbox's first process, as the host sees it
        self.over_output = asyncio.Event()
        # Set when output could not be read or handed on: the run is stopped and ends in
        # error (never a reader dying in silence while the program blocks on a full pipe).
        self.output_failure = ""
        self.output_failed = asyncio.Event()

    async def wait_started(self) -> None:
        """bubblewrap reports the child it started; without that report, the sandbox failed."""
        if self.status_pipe is None:
            return  # runsc reports nothing before the program runs
        try:
            line = await asyncio.wait_for(self.status_pipe.readline(), START_TIMEOUT_SECONDS)
        except TimeoutError:
            line = b""
        if b"child-pid" not in line:
            self.process.kill()
            _, stderr = await self.process.communicate()
            message = stderr.decode(errors="replace").strip() or "no error message"
            raise SandboxFailed(f"the sandbox did not start: {message}")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            self.child_pid = int(json.loads(line)["child-pid"])

    async def run(self, stdin: bytes, more: InputStream | None = None) -> float:
        """Wait for the program to end (or end it); returns the wall time in seconds.

        The program reads `stdin`, then what `more` brings until it closes (end-of-file at
        once without it)."""
        started = time.monotonic()
        pumps = [
            asyncio.create_task(self._pump("stdout", self.process.stdout)),
            asyncio.create_task(self._pump("stderr", self.process.stderr)),
        ]
        feeder = asyncio.create_task(self._feed(stdin, more))
        try:
            await self._supervise(started)
        finally:
            wall = time.monotonic() - started
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
            # The sandbox died with its first process (bubblewrap or runsc); nothing can hold
            # the pipes open for long, but a stuck reader must never keep a finished run alive.
            done, pending = await asyncio.wait(pumps, timeout=DRAIN_SECONDS)
            if pending:
                await asyncio.to_thread(self.cgroup.kill_all)
                for task in pending:
                    task.cancel()
            feeder.cancel()
            ended = await asyncio.gather(*pumps, feeder, return_exceptions=True)
            for outcome in ended:
                if isinstance(outcome, Exception):  # none expected: _pump keeps its own
                    self._output_broken(outcome, "reading")
        if self.status_pipe is not None:
            self.exit_code = self._exit_code_reported(await self.status_pipe.read())
        else:
            self.exit_code = _exit_status(self.process.returncode)
        return wall

    async def _supervise(self, started: float) -> None:
        exited = asyncio.create_task(self.process.wait())
        cancel = asyncio.create_task(self.cancelled.wait())
        over_output = asyncio.create_task(self.over_output.wait())
        output_failed = asyncio.create_task(self.output_failed.wait())
        try:
            while True:
                left = self.limits.timeout_seconds - (time.monotonic() - started)
                if left <= 0:
                    return await self._end(Status.TIMED_OUT, "wall-clock timeout")
                done, _ = await asyncio.wait(
                    {exited, cancel, over_output, output_failed},
                    timeout=min(left, CPU_POLL_SECONDS),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if cancel in done:
                    return await self._end(Status.CANCELLED, "cancelled")
                if over_output in done:
                    return await self._end(Status.OUTPUT_LIMITED, "output limit")
                if output_failed in done:
                    return await self._stop()
                if exited in done:
                    return
                if self.cgroup.usage().cpu_seconds > self.limits.cpu_seconds:
                    return await self._end(Status.TIMED_OUT, "CPU time limit")
                if self.network is not None and self.network.over_cap():
                    return await self._end(Status.NETWORK_LIMITED, "network limit")
        finally:
            for task in (exited, cancel, over_output, output_failed):
                task.cancel()

    async def _end(self, reason: Status, what: str) -> None:
        self.end_reason = reason
        self.error = self._limit_message(what)
        await self._stop()

    async def _stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # it may have exited just now
            self.process.kill()  # bubblewrap or runsc; kill_all takes everything they started
        await asyncio.to_thread(self.cgroup.kill_all)

    def _limit_message(self, what: str) -> str:
        limits = self.limits
        return {
            "wall-clock timeout": f"Stopped after the {limits.timeout_seconds:g} s time limit.",
            "CPU time limit": f"Stopped after using {limits.cpu_seconds:g} s of CPU time.",
            "output limit": f"Stopped after {limits.output_bytes} bytes of output.",
            "network limit": (
                f"Stopped after {getattr(self.network, 'max_bytes', 0)} bytes of network "
                "traffic (sent and received), the most its network policy allows."
            ),
            "cancelled": "Cancelled.",
        }[what]

    async def _pump(self, stream: str, pipe: asyncio.StreamReader | None) -> None:
        """Read `pipe` to its end, whatever happens to the output once read."""
        assert pipe is not None
        while True:
            try:
                chunk = await pipe.read(READ_SIZE)
            except Exception as error:
                self._output_broken(error, f"reading {stream}")
                return
            if not chunk:
                return
            if len(chunk) > self.output_left:
                chunk = chunk[: self.output_left]
                self.truncated = True
                self.over_output.set()
            if not chunk or self.output_failure:
                continue  # keep draining so the program is never blocked on a full pipe
            self.output_left -= len(chunk)
            if self.on_output is not None:
                try:
                    result = self.on_output(stream, chunk)
                    if inspect.isawaitable(result):
                        await result
                except Exception as error:
                    self._output_broken(error, f"storing {stream}")

    def _output_broken(self, error: Exception, doing: str) -> None:
        logger.error("run output failed while %s", doing, exc_info=error)
        if not self.output_failure:
            self.output_failure = (
                f"the run's output could not be stored ({type(error).__name__} while "
                f"{doing}); the run was stopped and the details are logged"
            )
        self.output_failed.set()

    async def _feed(self, data: bytes, more: InputStream | None) -> None:
        stdin = self.process.stdin
        if stdin is None:
            return
        try:
            if data:
                stdin.write(data)
                await stdin.drain()
            while more is not None and (data := await more.read()) is not None:
                stdin.write(data)
                await stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            stdin.close()

    @staticmethod
    def _exit_code_reported(status: bytes) -> int | None:
        for line in status.splitlines():
            try:
                report = json.loads(line)
            except ValueError:
                continue
            if "exit-code" in report:
                return int(report["exit-code"])
        return None

    def outcome(self, usage: Usage) -> tuple[Status, int | None, int | None]:
        """(status, exit code, signal). Death by signal N is reported as 128 + N.

        Raises SandboxFailed when the sandbox, not the program, failed, and OutputFailed
        when its output could not be read or handed on.
        """
        if self.output_failure:
            raise OutputFailed(self.output_failure)
        if self.end_reason is not None:
            return self.end_reason, None, int(signal.SIGKILL)
        code = self.exit_code
        signal_number = code - 128 if code is not None and 128 < code < 128 + 65 else None
        if usage.oom_killed and code != 0:
            self.error = f"Out of memory: the {self.limits.memory_bytes} byte limit was reached."
            return Status.OOM_KILLED, code, signal_number
        if code != 0 and (
            usage.cpu_seconds >= self.limits.cpu_seconds or signal_number == signal.SIGXCPU
        ):
            # The per-process CPU rlimit (SIGXCPU, then SIGKILL) ended it before the
            # runner's own check of the cgroup's total came round.
            self.error = self._limit_message("CPU time limit")
            return Status.TIMED_OUT, code, signal_number
        if code == 0:
            return Status.SUCCEEDED, 0, None
        if self.sandbox_failure is not None and (failure := self.sandbox_failure(code)):
            raise SandboxFailed(f"the sandbox failed: {failure}")
        return Status.FAILED, code, signal_number


def _exit_status(returncode: int | None) -> int | None:
    """A process's return code in the shell's form: death by signal N becomes 128 + N."""
    if returncode is None:
        return None
    return 128 - returncode if returncode < 0 else returncode
