"""Piston's `POST /execute` body, read into an ordinary run, and a run's end read back as
Piston's answer. Messages are Piston's own where it has one (its 400s are
``{"message": ...}``); unknown fields are ignored, as Piston does."""

from __future__ import annotations

import base64
import binascii
import json
import math
import signal
from dataclasses import dataclass

from api.errors import ApiError
from compat.piston.versions import version_satisfies
from compat.runtimes import Language
from compat.selectors import RunOutput
from sandboxes.models import Execution
from sandboxes.resources import memory_mb_asked

ENCODINGS = ("utf8", "base64", "hex")
# Fields Piston accepts for its compile stage, which interpreted languages do not have:
# checked as Piston checks them (numbers), then unused.
COMPILE_LIMITS = ("compile_timeout", "compile_memory_limit", "compile_cpu_time", "run_cpu_time")


@dataclass(frozen=True)
class PistonRun:
    language: Language
    files: dict[str, bytes]
    entry: str
    stdin: str
    args: list[str]
    timeout_seconds: int | None
    memory_mb: int | None  # None: the tier's default


def refuse(message: str) -> ApiError:
    return ApiError(400, message)


def piston_run_parse(
    body: bytes, *, languages: list[Language], max_timeout_ms: int, memory_limit: int
) -> PistonRun:
    """The run a body asks for, or ApiError 400 with Piston's message. `max_timeout_ms`:
    the longest run the caller may start now; `memory_limit`: a run's memory, in bytes."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise refuse("Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise refuse("Request body must be a JSON object")
    name, version = data.get("language"), data.get("version")
    if not name or not isinstance(name, str):
        raise refuse("language is required as a string")
    if not version or not isinstance(version, str):
        raise refuse("version is required as a string")
    files = data.get("files")
    if not isinstance(files, list) or not files:
        raise refuse("files is required as an array")
    for index, file in enumerate(files):
        if not isinstance(file, dict) or not isinstance(file.get("content"), str):
            raise refuse(f"files[{index}].content is required as a string")
        if file.get("encoding", "utf8") not in ENCODINGS:
            raise refuse(f"files[{index}].encoding must be one of {', '.join(ENCODINGS)}")
        if file.get("name") is not None and not isinstance(file["name"], str):
            raise refuse(f"files[{index}].name must be a string")
    if not any(file.get("encoding", "utf8") == "utf8" for file in files):
        raise refuse("files must include at least one utf8 encoded file")
    for limit in COMPILE_LIMITS:
        _number(data, limit)
    timeout_ms = _number(data, "run_timeout")
    # With no compute time left at all, the quota refuses the run instead (a 429).
    if timeout_ms is not None and 0 < max_timeout_ms < timeout_ms:
        raise refuse(f"run_timeout cannot exceed the configured limit of {max_timeout_ms}")
    memory = _number(data, "run_memory_limit")
    # -1 is Piston's "no limit of my own": the run gets the server's, as any run does.
    if memory is not None and memory != -1 and memory > memory_limit:
        raise refuse(f"run_memory_limit cannot exceed the configured limit of {memory_limit}")
    language = _language(name, version, languages)
    named = _files(files, language)
    return PistonRun(
        language=language,
        files=named,
        entry=next(iter(named)),
        stdin=_string(data, "stdin"),
        args=_args(data.get("args")),
        timeout_seconds=None if timeout_ms is None else max(1, math.ceil(timeout_ms / 1000)),
        memory_mb=None if memory in (None, -1) else memory_mb_asked(memory),
    )


def _number(data: dict, name: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise refuse(f"If specified, {name} must be a number")
    if value < 0 and not (name.endswith("memory_limit") and value == -1):
        raise refuse(f"{name} must be non-negative")
    return value


def _string(data: dict, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse(f"{name} must be a string")
    return value


def _args(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(arg, str) for arg in value):
        raise refuse("args must be an array of strings")
    return value


def _language(name: str, version: str, languages: list[Language]) -> Language:
    """The newest runtime of the language (or alias) whose version is in range."""
    for language in languages:
        if name in (language.name, *piston_aliases(language)) and version_satisfies(
            language.runtime.version, version
        ):
            return language
    raise refuse(f"{name}-{version} runtime is unknown")


def _files(files: list[dict], language: Language) -> dict[str, bytes]:
    """{name: content}, the first file (the one Piston runs) first. Unnamed files are
    called as Piston calls them, except the first, which gets the runtime's entry name."""
    named: dict[str, bytes] = {}
    for index, file in enumerate(files):
        name = file.get("name") or (language.entry if index == 0 else f"file{index}.code")
        named[name] = _decode(file, index)
    return named


def _decode(file: dict, index: int) -> bytes:
    content, encoding = file["content"], file.get("encoding", "utf8")
    try:
        if encoding == "base64":
            return base64.b64decode(content, validate=True)
        if encoding == "hex":
            return bytes.fromhex(content)
        return content.encode()
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise refuse(f"files[{index}].content is not valid {encoding}") from None


def piston_aliases(language: Language) -> list[str]:
    if language.name == "python":
        major, minor, _ = language.runtime.version.split(".")
        return ["py", "py3", "python3", f"python{major}.{minor}"]
    if language.name == "typescript":
        return ["ts", "node-ts"]
    return ["node-javascript", "node-js", "js", "node"]


def piston_runtime(language: Language) -> dict:
    """One entry of `GET /runtimes`."""
    entry = {
        "language": language.name,
        "version": language.runtime.version,
        "aliases": piston_aliases(language),
    }
    if language.runtime.language == "node":
        entry["runtime"] = "node"
    return entry


# Piston's run status: RE runtime error, SG killed by a signal, TO timed out, OL output
# over its limit, XX the sandbox failed.
STATUS = {
    Execution.Status.FAILED: "RE",
    Execution.Status.TIMED_OUT: "TO",
    Execution.Status.OOM_KILLED: "SG",
    Execution.Status.OUTPUT_LIMITED: "OL",
    Execution.Status.NETWORK_LIMITED: "SG",
    Execution.Status.CANCELLED: "SG",
}


def piston_result(execution: Execution, output: RunOutput, language: Language | None) -> dict:
    """The answer of `POST /execute` for a run that has ended."""
    killed = execution.status in (
        Execution.Status.TIMED_OUT,
        Execution.Status.OOM_KILLED,
        Execution.Status.NETWORK_LIMITED,
        Execution.Status.CANCELLED,
    )
    number = execution.signal or (signal.SIGKILL if killed else None)
    if execution.status == Execution.Status.FAILED and execution.signal:
        status = "SG"
    elif execution.status == Execution.Status.SUCCEEDED:
        status = None
    else:
        status = STATUS.get(execution.status, "XX")
    return {
        "language": language.name if language else execution.runtime,
        "version": execution.runtime_version or (language.runtime.version if language else ""),
        "run": {
            "stdout": output.stdout,
            "stderr": output.stderr,
            "output": output.combined,
            "code": None if number else execution.exit_code,
            "signal": signal.Signals(number).name if number else None,
            "message": execution.error or None,
            "status": status,
            "cpu_time": execution.cpu_ms,
            "wall_time": execution.wall_ms,
            "memory": execution.peak_memory_bytes,
        },
    }
