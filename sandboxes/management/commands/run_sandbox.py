"""Run a program in a sandbox from the shell: `manage.py run_sandbox main.py`."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sandboxes.engine import (
    EngineError,
    InvalidSpec,
    Isolation,
    Limits,
    Network,
    NetworkPolicy,
    RunResult,
    RunSpec,
    Status,
)
from sandboxes.engine.runtimes import ENTRY_FILES
from sandboxes.engine.spec import check_workspace_path
from sandboxes.engine_config import get_engine
from sandboxes.network import CHANGE_POLICY, network_failure_in, network_hint

NODE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts")
MiB = 1024 * 1024


def _key_value(option: str, text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise CommandError(f"{option} expects KEY=VALUE, got {text!r}")
    return key, value


def _positive(option: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"{option} must be a number, got {text!r}") from None
    if value <= 0:
        raise CommandError(f"{option} must be greater than 0, got {text}")
    return value


def _whole(option: str, text: str, *, least: int = 1) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"{option} must be a whole number, got {text!r}") from None
    if value < least:
        raise CommandError(f"{option} must be at least {least}, got {text}")
    return value


def _limits(options) -> Limits:
    """The run's limits: the engine's defaults, changed by the options given."""
    limits = Limits()
    changes = {}
    if options["timeout"]:
        changes["timeout_seconds"] = _positive("--timeout", options["timeout"])
    if options["cpus"]:
        cpus = _whole("--cpus", options["cpus"])
        host = len(os.sched_getaffinity(0))
        if cpus > host:
            raise CommandError(f"--cpus {cpus}: this host has {host} CPU{'s' if host > 1 else ''}")
        changes["cpus"] = cpus
    if options["memory_mb"]:
        changes["memory_bytes"] = _whole("--memory-mb", options["memory_mb"], least=16) * MiB
    if options["disk_mb"]:
        changes["disk_bytes"] = _whole("--disk-mb", options["disk_mb"]) * MiB
    if options["max_processes"]:
        changes["max_processes"] = _whole("--max-processes", options["max_processes"])
    limits = dataclasses.replace(limits, **changes)
    # CPU time: the wall-clock limit on each of its vCPUs.
    return dataclasses.replace(limits, cpu_seconds=limits.timeout_seconds * limits.cpus)


NO_NETWORK_HINT = (
    "This run has no network; pass --network internet or --network allow:DOMAIN[,DOMAIN...]."
)


def _domains(text: str) -> tuple[str, ...]:
    return tuple(domain.strip() for domain in text.split(",") if domain.strip())


def _network(text: str, deny: str) -> NetworkPolicy:
    """--network none|internet|allow:DOMAIN[,DOMAIN...] and --deny DOMAIN[,...] as a policy."""
    mode, _, domains = text.partition(":")
    if mode == "allow":
        mode, allow = Network.ALLOW_LIST, _domains(domains)
        if not allow:
            raise CommandError("--network allow: needs domains, such as allow:api.example.com")
    elif text in (Network.NONE, Network.INTERNET):
        allow = ()
    else:
        raise CommandError(f"--network is none, internet or allow:DOMAIN[,DOMAIN...], not {text!r}")
    try:
        return NetworkPolicy(mode=mode, allow=allow, deny=_domains(deny))
    except InvalidSpec as error:
        option = "--deny" if str(error).startswith("network.deny") else "--network"
        raise CommandError(f"{option}: {error}") from error


class Command(BaseCommand):
    help = (
        "Run a Python or Node.js program in a sandbox. Streams its output and exits with "
        "its exit code; with --json prints one JSON result instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The entry file to run, or - to read it from stdin.")
        parser.add_argument(
            "--runtime",
            help="python, node, or a version id such as python3.12 or node20 "
            "(default: from the file extension, else python).",
        )
        parser.add_argument("--timeout", help="Wall-clock limit in seconds.")
        parser.add_argument(
            "--cpus", metavar="N",
            help="vCPUs for the run (default 1, at most this host's CPUs): what the program's "
            "CPU count reports and the CPU time it may use at once.",
        )  # fmt: skip
        parser.add_argument(
            "--memory-mb", metavar="MIB", help="Memory limit in MiB (default 256, at least 16)."
        )
        parser.add_argument(
            "--disk-mb", metavar="MIB",
            help="Disk for /workspace, /tmp and /dev/shm together, in MiB (default 64).",
        )  # fmt: skip
        parser.add_argument(
            "--max-processes", metavar="N",
            help="Processes and threads the run may have at once (default 64).",
        )  # fmt: skip
        parser.add_argument(
            "--env", action="append", default=[], metavar="KEY=VALUE",
            help="An environment variable for the program (repeatable).",
        )  # fmt: skip
        parser.add_argument(
            "--arg", action="append", default=[], metavar="ARG",
            help="An argument for the program, in sys.argv / process.argv (repeatable, in order; "
            "--arg=-v for one that starts with -).",
        )  # fmt: skip
        parser.add_argument(
            "--stdin", metavar="FILE",
            help="Give the program FILE as its standard input (- reads this command's own "
            "stdin, to its end); without it the program reads end-of-file.",
        )  # fmt: skip
        parser.add_argument(
            "--file", action="append", default=[], metavar="NAME=PATH",
            help="Add the file at PATH to the workspace as NAME (repeatable).",
        )  # fmt: skip
        parser.add_argument(
            "--package", action="append", default=[], metavar="SPEC",
            help="A package for the run, such as requests, pandas==2.* or zod@3 (repeatable): "
            "installed once into a cached environment the run mounts read-only.",
        )  # fmt: skip
        parser.add_argument(
            "--network", default=Network.NONE.value, metavar="none|internet|allow:DOMAIN[,...]",
            help="What the run may reach: nothing (the default), the internet (public "
            "addresses only), or only these domains (allow:api.example.com,*.example.org).",
        )  # fmt: skip
        parser.add_argument(
            "--deny", default="", metavar="DOMAIN[,DOMAIN...]",
            help="Domains refused even though --network would allow them.",
        )  # fmt: skip
        parser.add_argument(
            "--isolation", default=Isolation.BWRAP.value, choices=[i.value for i in Isolation],
            help="Isolation backend (default: bwrap).",
        )  # fmt: skip
        parser.add_argument(
            "--collect", metavar="DIR",
            help="Copy the files the run created or changed into DIR.",
        )  # fmt: skip
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object with the result."
        )

    def handle(self, *args, **options):
        spec = self._spec(options)
        as_json = options["json"]
        stdout, stderr = bytearray(), bytearray()

        failure_seen = False

        def on_output(stream: str, data: bytes) -> None:
            nonlocal failure_seen
            if as_json and stream == "install":
                return  # the installer's progress: for watching, not for the result
            if stream != "install" and not spec.network.enabled and not failure_seen:
                failure_seen = network_failure_in(data.decode(errors="replace"))
            if as_json:
                (stdout if stream == "stdout" else stderr).extend(data)
            else:
                sink = sys.stdout if stream == "stdout" else sys.stderr
                sink.buffer.write(data)
                sink.buffer.flush()

        try:
            result = get_engine().run_sync(spec, on_output=on_output)
        except EngineError as error:
            raise CommandError(str(error)) from error
        if options["collect"]:
            self._collect(result, Path(options["collect"]))
        hint = network_hint(
            mode=spec.network.mode,
            blocked=result.network_blocked,
            blocked_count=result.network_blocked_count,
            failure_seen=failure_seen,
            how=NO_NETWORK_HINT,
        ).replace(CHANGE_POLICY, "Change --network or --deny.")
        if as_json:
            self.stdout.write(json.dumps({**_as_json(result, stdout, stderr), "hint": hint}))
            return
        if result.status is Status.INSTALL_FAILED:
            # The installer's own words are already on stderr.
            self.stderr.write(f"[{result.status}]")
            sys.exit(1)
        if result.status is not Status.SUCCEEDED and result.error:
            self.stderr.write(f"[{result.status}] {result.error}")
        if hint:
            self.stderr.write(hint)
        code = result.exit_code if result.exit_code is not None else 128 + (result.signal or 9)
        if code:
            sys.exit(code)

    def _spec(self, options) -> RunSpec:
        path = options["path"]
        if path == "-" and options["stdin"] == "-":
            raise CommandError("--stdin - and the path - both read this command's stdin: pick one")
        stdin = b""
        if options["stdin"] == "-":
            stdin = sys.stdin.buffer.read()
        elif options["stdin"]:
            stdin = self._read(options["stdin"], "--stdin")
        if path == "-":
            source = sys.stdin.buffer.read()
            runtime = options["runtime"] or "python"
            entry = ""  # the runtime's own, once the engine knows the runtime
        else:
            source = self._read(path, "PATH")
            entry = os.path.basename(path)
            runtime = options["runtime"] or ("node" if entry.endswith(NODE_SUFFIXES) else "python")
        files = {}
        for item in options["file"]:
            name, file_path = _key_value("--file", item)
            files[name] = self._read(file_path, f"--file {name}")
        env = dict(_key_value("--env", item) for item in options["env"])
        limits = _limits(options)
        try:
            get_engine().prepare()
            language = get_engine().runtimes.get(runtime).language
            entry = entry or ENTRY_FILES[language]
            return RunSpec(
                runtime=runtime,
                files={entry: source, **files},
                entry=entry,
                argv=tuple(options["arg"]),
                stdin=stdin,
                env=env,
                limits=limits,
                network=_network(options["network"], options["deny"]),
                isolation=options["isolation"],
                packages=tuple(options["package"]),
            )
        except InvalidSpec as error:
            if options["package"] and str(error).startswith("package"):
                raise CommandError(f"--package: {error}") from error
            raise CommandError(str(error)) from error
        except EngineError as error:
            raise CommandError(str(error)) from error

    @staticmethod
    def _read(path: str, option: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"{option}: cannot read {path}: {error.strerror}") from error

    def _collect(self, result: RunResult, target: Path) -> None:
        """Write the run's files under `target`, never through a symlink already there."""
        target.mkdir(parents=True, exist_ok=True)
        for name, content in result.files.items():
            check_workspace_path(name, what="collected file")
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
            fd = os.open(destination, flags, 0o644)
            with os.fdopen(fd, "wb") as sink:
                sink.write(content)


def _as_json(result: RunResult, stdout: bytes, stderr: bytes) -> dict:
    return {
        "status": result.status.value,
        "exit_code": result.exit_code,
        "signal": result.signal,
        "stdout": stdout.decode(errors="replace"),
        "stderr": stderr.decode(errors="replace"),
        "duration_ms": round(result.wall_seconds * 1000),
        "cpu_ms": round(result.cpu_seconds * 1000),
        "peak_memory_bytes": result.peak_memory_bytes,
        "output_truncated": result.output_truncated,
        "error": result.error,
        "runtime_version": result.runtime_version,
        "install_ms": round(result.install_seconds * 1000),
        "files": [{"path": p, "size": len(c)} for p, c in sorted(result.files.items())],
        "network_bytes_in": result.network_bytes_in,
        "network_bytes_out": result.network_bytes_out,
        "network_blocked_count": result.network_blocked_count,
        "network_blocked": list(result.network_blocked),
    }
