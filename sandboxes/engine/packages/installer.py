"""One install, in a sandbox: uv for Python, npm for Node.js.

An install sandbox is a run's sandbox (the same bubblewrap flags, seccomp filter, sandbox
user, cgroup and size-limited tmpfs, from the same layout) with three differences: its
program is the installer; the installers' shared download cache is mounted writable at
/cache; and it has network, for the install step only (network.py). The environment is
built in the tmpfs (so the disk limit is the kernel's), then copied out by the engine into
the cache folder. Safe defaults: binary wheels only (`--no-build`), no npm lifecycle
scripts (`--ignore-scripts`), so no package code runs during an install.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import math
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from .. import layout
from ..bwrap import bwrap_arguments
from ..cancel import CancelToken
from ..errors import EngineUnavailable, SandboxFailed
from ..fds import close_quietly
from ..launcher import LauncherPool
from ..runner import OutputCallback, Runner
from ..runtimes import Runtime, unreachable_part
from ..spec import Limits, Status
from ..workspace import Workspace
from .network import REFUSED, InstallNetwork, NetworkTools

CACHE = "/cache"
TOOLS = "/opt/installer"
NPM_MOUNT = "/opt/npm"
BUILD = f"{layout.WORKDIR}/build"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
START_SECONDS = 10
NPM_PREFIXES = ("npm error 404 ", "npm error ", "npm warn ")
NOISE = (
    "Using CPython",
    "Log files were not written",
    "A complete log of this run",
    "Note that you can also install from a",
    "tarball, folder, http url, or git url",
)
# Read on every start-up, so a package's .pth files (namespace packages and the like) work
# from PYTHONPATH as they would from site-packages. Written only when there are some.
SITECUSTOMIZE = f"import site\n\nsite.addsitedir({layout.PYTHON_PACKAGES!r})\n"


@dataclass(frozen=True)
class InstallOutcome:
    status: Status  # SUCCEEDED, or why the install ended (FAILED, TIMED_OUT, CANCELLED...)
    output: str  # the installer's own words, ANSI colours removed
    seconds: float


class Installer:
    def __init__(
        self,
        *,
        launchers: LauncherPool,
        scratch: Path,
        cache_dir: Path,
        tools_dir: Path,
        uid: int,
        gid: int,
        limits: Limits,
        network: NetworkTools,
        python_index_url: str,
        npm_registry: str,
        uv: str,
        npm: str,
    ) -> None:
        self.launchers = launchers
        self.scratch = scratch
        self.cache_dir, self.tools_dir = cache_dir, tools_dir
        self.uid, self.gid = uid, gid
        self.limits = limits
        self.network = network
        self.python_index_url, self.npm_registry = python_index_url, npm_registry
        self.uv, self.npm = uv, npm

    # --- the installers ---------------------------------------------------------------------

    def _uv(self) -> Path:
        """uv, copied where the sandbox user can read it (the app's venv may be closed)."""
        source = self.uv
        if not source:
            try:
                import uv  # the PyPI package ships the binary

                source = uv.find_uv_bin()
            except (ImportError, FileNotFoundError):
                raise EngineUnavailable(
                    "Python package installs need uv: `pip install uv` in the app's "
                    "environment (it is in requirements.txt)"
                ) from None
        target = self.tools_dir / "uv"
        info = os.stat(source)
        try:
            copied = target.stat()
            fresh = (copied.st_size, copied.st_mtime_ns) == (info.st_size, info.st_mtime_ns)
        except FileNotFoundError:
            fresh = False
        if not fresh:
            partial = self.tools_dir / f"uv.tmp-{os.getpid()}"
            shutil.copy2(source, partial)
            os.chmod(partial, 0o755)
            os.rename(partial, target)
        return target

    def _npm_cli(self, runtime: Runtime) -> tuple[str, list[layout.Bind]]:
        """npm's CLI script as the sandbox sees it, and the bind that shows it, if any.

        The runtime's own npm first; else the system's, run on the runtime's node."""
        own = runtime.root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
        if own.is_file():
            return str(own), []
        found = shutil.which(self.npm)
        if found is None:
            raise EngineUnavailable(f"Node.js package installs need npm: {self.npm} is missing")
        cli = Path(found).resolve()
        package = cli.parent.parent
        if cli.name != "npm-cli.js" or not (package / "package.json").is_file():
            raise EngineUnavailable(f"{found} is not npm's CLI script (npm-cli.js)")
        if unreachable_part(cli, self.uid, self.gid) is not None:
            raise EngineUnavailable(f"npm at {package} is not readable by the sandbox user")
        if package.is_relative_to("/usr"):
            return str(cli), []
        mounted = f"{NPM_MOUNT}/{cli.relative_to(package)}"
        return mounted, [layout.Bind(package, NPM_MOUNT)]

    def _command(self, runtime: Runtime, specs: tuple[str, ...]) -> tuple[list[str], list]:
        if runtime.language == "python":
            uv = self._uv()
            command = [
                f"{TOOLS}/uv", "pip", "install",
                "--target", f"{BUILD}/python",
                "--python", str(runtime.executable),
                "--no-build",  # binary wheels only: no package code runs here
                "--compile-bytecode",  # runs mount it read-only: no .pyc written later
                "--no-config", "--no-python-downloads",
                "--default-index", self.python_index_url,
                "--cache-dir", CACHE,
                "--link-mode", "copy",  # the cache is on another filesystem
                "--system-certs", "--color", "never", "--no-progress",
                "--", *specs,
            ]  # fmt: skip
            return command, [layout.Bind(uv.parent, TOOLS)]
        cli, binds = self._npm_cli(runtime)
        command = [
            str(runtime.executable), cli, "install",
            "--prefix", f"{BUILD}/node",
            "--ignore-scripts",  # no lifecycle scripts: no package code runs here
            "--no-audit", "--no-fund", "--no-update-notifier", "--no-progress",
            "--color=false", "--loglevel=warn", "--logs-max=0",
            "--cache", CACHE, "--prefer-offline",
            "--registry", self.npm_registry,
            "--", *specs,
        ]  # fmt: skip
        return command, binds

    def _environment(self) -> dict[str, str]:
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": layout.HOME,
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "USER": "sandbox",
            "NO_COLOR": "1",
            "UV_PYTHON_DOWNLOADS": "never",
        }
        if CA_BUNDLE.is_file():  # operators' own CAs (a proxy's) are in the system store
            env |= {"SSL_CERT_FILE": str(CA_BUNDLE), "NODE_EXTRA_CA_CERTS": str(CA_BUNDLE)}
        return env

    # --- one install -------------------------------------------------------------------------

    def _create_build(self, workspace: Workspace, runtime: Runtime) -> None:
        """The install's tmpfs, with /workspace/build/<language> for the installer to fill."""
        files = {"build/node/package.json": b'{"name": "packages", "private": true}\n'}
        workspace.create(
            files if runtime.language == "node" else {}, disk_bytes=self.limits.disk_bytes
        )
        build = workspace.workspace / "build"
        if not build.exists():
            build.mkdir(mode=0o755)
            os.chown(build, self.uid, self.gid)

    def check(self, runtime: Runtime) -> None:
        """Raise EngineUnavailable unless this runtime's packages can be installed here."""
        self.network.check(REFUSED)
        self._command(runtime, ())

    async def build(
        self,
        runtime: Runtime,
        specs: tuple[str, ...],
        into: Path,
        cancel: CancelToken | None,
        etc_dir: Path,
        on_line: OutputCallback | None = None,
    ) -> InstallOutcome:
        """Install `specs` in a sandbox; on success, copy the result into `into`.

        The installer's lines go to `on_line("install", line)` as it prints them."""
        self.network.check(REFUSED)
        command, tool_binds = self._command(runtime, specs)
        block_read, block_write = os.pipe2(os.O_CLOEXEC)
        cleanup = contextlib.ExitStack()
        cleanup.callback(close_quietly, block_write)
        try:
            try:
                launcher = await self.launchers.start_cold(pass_fds=(block_read,))
            finally:
                os.close(block_read)
            cleanup.callback(launcher.discard)
            workspace = Workspace(self.scratch, launcher.run_id, uid=self.uid, gid=self.gid)
            cleanup.callback(workspace.remove)
            await asyncio.to_thread(self._create_build, workspace, runtime)
            cleanup.callback(launcher.cgroup.kill_all)
            launcher.cgroup.apply(self.limits)
            binds = layout.binds(
                runtime=runtime,
                workspace=workspace.workspace,
                tmp=workspace.tmp,
                shm=workspace.shm,
                etc_dir=etc_dir,
            )
            binds += [
                layout.Bind(etc_dir / "resolv.conf", "/etc/resolv.conf"),
                layout.Bind(self.cache_dir / runtime.language, CACHE, writable=True),
                *tool_binds,
            ]
            arguments = bwrap_arguments(
                binds=binds,
                program=command,
                env=self._environment(),
                open_files=self.limits.open_files,
                open_files_soft=self.limits.open_files_soft,
                cpu_seconds=math.ceil(self.limits.cpu_seconds) + 1,
                seccomp_fd=launcher.seccomp_fd,
                status_fd=launcher.status_fd,
            )
            launcher.release([*arguments, "--block-fd", str(block_read)])
            status_pipe = await launcher.take_status_pipe()
            child_pid = await _child_pid(status_pipe, launcher.process)
            network = InstallNetwork(self.network, self.uid, self.gid)
            output = bytearray()
            lines = _Lines(on_line)
            try:
                await network.connect(child_pid)
                os.write(block_write, b"go")  # the installer starts only now
                cancelled = (cancel or CancelToken()).event()
                runner = Runner(
                    launcher.process,
                    status_pipe,
                    launcher.cgroup,
                    self.limits,
                    lines.collector(output),
                    cancelled,
                )
                seconds = await runner.run(b"")
                await lines.flush()
                status, _code, _signal = runner.outcome(launcher.cgroup.usage())
            finally:
                await network.close()
            text = _plain(output)
            if status is not Status.SUCCEEDED:
                return InstallOutcome(status, f"{runner.error}\n{text}".lstrip(), seconds)
            await asyncio.to_thread(launcher.cgroup.kill_all)  # nothing may write meanwhile
            await asyncio.to_thread(_copy_out, workspace.workspace / "build", into)
            return InstallOutcome(Status.SUCCEEDED, text, seconds)
        finally:
            await asyncio.to_thread(cleanup.close)


class _Lines:
    """The installer's output as whole plain lines, passed on as they come."""

    def __init__(self, on_line: OutputCallback | None) -> None:
        self.on_line = on_line
        self.pending = b""

    def collector(self, output: bytearray) -> OutputCallback:
        async def collect(_stream: str, data: bytes) -> None:
            output.extend(data)
            if self.on_line is None:
                return
            *complete, self.pending = (self.pending + data).split(b"\n")
            for line in complete:
                await self._send(line)

        return collect

    async def flush(self) -> None:
        if self.pending and self.on_line is not None:
            await self._send(self.pending)
        self.pending = b""

    async def _send(self, line: bytes) -> None:
        text = _plain(line).strip("\n")
        if text.strip():
            result = self.on_line("install", f"{text}\n".encode())
            if inspect.isawaitable(result):
                await result


async def _child_pid(status_pipe: asyncio.StreamReader, process) -> int:
    """bubblewrap reports the sandbox's first process (waiting on --block-fd) at once."""
    try:
        line = await asyncio.wait_for(status_pipe.readline(), START_SECONDS)
        return int(json.loads(line)["child-pid"])
    except (TimeoutError, ValueError, KeyError):
        process.kill()
        _, stderr = await process.communicate()
        message = stderr.decode(errors="replace").strip() or "no error message"
        raise SandboxFailed(f"the install sandbox did not start: {message}") from None


def _plain(output: bytes) -> str:
    """The installer's words without colours, log-file pointers and npm's line prefixes."""
    text = ANSI.sub("", output.decode(errors="replace"))
    lines = []
    for line in text.splitlines():
        line = line.rstrip()
        for prefix in NPM_PREFIXES:
            line = line.removeprefix(prefix)
        if line.strip() not in ("", "404") and not any(noise in line for noise in NOISE):
            lines.append(line)
    return "\n".join(lines) + "\n"


def _copy_out(build: Path, into: Path) -> None:
    """Copy the build (in the install's tmpfs) to the cache folder, as root-owned files.

    Only folders, regular files and symlinks (kept as links: they resolve inside a run's
    sandbox, and the engine never follows them); modification times are kept, so the
    byte-compiled files stay valid.
    """

    def ignore(folder: str, names: list[str]) -> set[str]:
        odd = set()
        for name in names:
            mode = os.lstat(os.path.join(folder, name)).st_mode
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
                odd.add(name)
        return odd

    shutil.copytree(build, into, symlinks=True, ignore=ignore, dirs_exist_ok=True)
    python = into / "python"
    if python.is_dir() and any(python.glob("*.pth")):
        sitecustomize = python / "sitecustomize.py"
        if not sitecustomize.exists():
            sitecustomize.write_text(SITECUSTOMIZE)
