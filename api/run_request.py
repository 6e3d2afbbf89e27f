"""The body of `POST /api/sandbox`, parsed before anything is stored or run.

Only the JSON's shape is checked here (fields, types, text that can be encoded). What the
values may be (sizes, paths, names, runtime, package specs, quota, timeout maximum) is
checked once, by the service that starts every run (sandboxes.runs.start), naming the
same fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from quotas.models import MIN_MEMORY_MB
from sandboxes.limits import MAX_FILES, MAX_VARIABLES

# Every field the endpoint accepts (the OpenAPI document must list exactly these).
FIELDS = frozenset(
    {
        "runtime",
        "code",
        "files",
        "packages",
        "env",
        "args",
        "stdin",
        "interactive",
        "streaming",
        "timeout",
        "network",
        "vcpus",
        "memoryMb",
    }
)
NETWORK_KEYS = frozenset({"mode", "allow", "deny"})
DEFAULT_RUNTIME = "python"
MAX_PACKAGES = 50
MAX_PACKAGE_SPEC_LENGTH = 200


@dataclass(frozen=True)
class RunRequest:
    code: str
    runtime: str = DEFAULT_RUNTIME
    files: dict[str, bytes] = field(default_factory=dict)
    packages: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    stdin: str = ""
    interactive: bool = False
    streaming: bool = False
    timeout: int | None = None
    # {"mode", "allow", "deny"}, or None for the tier's default
    network: dict | None = None
    # None: the tier's default; over the tier's most is refused by the start service
    vcpus: int | None = None
    memory_mb: int | None = None


def run_request_parse(body: bytes) -> RunRequest:
    """Raises ValidationError naming the field (`body` for the document itself)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise ValidationError({"body": "The body is not valid JSON."}) from None
    except RecursionError:  # "[[[[…": nested deeper than the parser goes
        raise ValidationError({"body": "The body is JSON nested too deeply."}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": "The body must be a JSON object."})
    unknown = sorted(data.keys() - FIELDS)
    if unknown:
        raise ValidationError({unknown[0]: f"Unknown field {unknown[0]!r}."})
    return RunRequest(
        runtime=_runtime(data.get("runtime", DEFAULT_RUNTIME)),
        code=_code(data.get("code")),
        files=_files(data.get("files", {})),
        packages=_packages(data.get("packages", [])),
        env=_env(data.get("env", {})),
        args=_args(data.get("args", [])),
        stdin=_stdin(data.get("stdin", "")),
        interactive=_boolean(data.get("interactive", False), "interactive"),
        streaming=_boolean(data.get("streaming", False), "streaming"),
        timeout=_timeout(data.get("timeout")),
        network=_network(data.get("network")),
        vcpus=_whole(data.get("vcpus"), "vcpus", least=1),
        memory_mb=_whole(data.get("memoryMb"), "memoryMb", least=MIN_MEMORY_MB),
    )


def _encodable(value: str, name: str) -> str:
    """JSON strings may hold lone surrogates, which are no text that can be stored or run."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValidationError({name: f"`{name}` holds text that is not valid Unicode."}) from None
    return value


def _runtime(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({"runtime": 'Give a runtime: "python", "node" or a version id.'})
    return _encodable(value.strip(), "runtime")


def _code(value) -> str:
    if value is None:
        raise ValidationError({"code": "`code` is required: the program to run."})
    if not isinstance(value, str):
        raise ValidationError({"code": "`code` must be a string."})
    return _encodable(value, "code")


def _files(value) -> dict[str, bytes]:
    if not isinstance(value, dict):
        raise ValidationError({"files": "`files` must be an object of {path: text content}."})
    if len(value) >= MAX_FILES:
        raise ValidationError({"files": f"At most {MAX_FILES - 1} files besides `code`."})
    for path, content in value.items():
        if not isinstance(content, str):
            raise ValidationError({"files": f"The content of {path!r} must be a string."})
        _encodable(path, "files")
        _encodable(content, "files")
    return {path: content.encode() for path, content in value.items()}


def _packages(value) -> list[str]:
    if not isinstance(value, list):
        raise ValidationError({"packages": "`packages` must be a list of package specs."})
    if len(value) > MAX_PACKAGES:
        raise ValidationError({"packages": f"At most {MAX_PACKAGES} packages."})
    for spec in value:
        if not isinstance(spec, str) or len(spec) > MAX_PACKAGE_SPEC_LENGTH:
            raise ValidationError(
                {"packages": f"Invalid package spec {spec!r}: a string such as `pandas==2.*` "
                 f"or `zod@3`, at most {MAX_PACKAGE_SPEC_LENGTH} characters."}
            )  # fmt: skip
        _encodable(spec, "packages")
    # What a spec may say (no URLs, paths or options) is the engine's rule: see
    # sandboxes.services.packages.packages_check, called when the run starts.
    return list(value)


def _env(value) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValidationError({"env": "`env` must be an object of {name: string value}."})
    if len(value) > MAX_VARIABLES:
        raise ValidationError({"env": f"At most {MAX_VARIABLES} variables."})
    for name, content in value.items():
        if not isinstance(content, str):
            raise ValidationError({"env": f"The value of {name} must be a string."})
        _encodable(content, "env")
    return dict(value)


def _args(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(arg, str) for arg in value):
        raise ValidationError({"args": "`args` must be a list of strings."})
    for arg in value:
        _encodable(arg, "args")
    return value


def _stdin(value) -> str:
    if not isinstance(value, str):
        raise ValidationError({"stdin": "`stdin` must be a string."})
    return _encodable(value, "stdin")


def _boolean(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError({name: f"`{name}` must be true or false."})
    return value


def _timeout(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({"timeout": "`timeout` must be a whole number of seconds."})
    if value < 1:
        raise ValidationError({"timeout": "`timeout` must be at least 1 second."})
    return value


def _whole(value, name: str, *, least: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({name: f"`{name}` must be a whole number."})
    if value < least:
        raise ValidationError({name: f"`{name}` must be at least {least}."})
    return value


def _network(value) -> dict | None:
    """ "none", "internet", {"allow": [...], "deny": [...]}, or {"deny": [...]} (the
    internet but those), or with an explicit "mode". The domains themselves, and what
    the tier allows, are checked by the start service."""
    if value is None:
        return None
    if value in ("none", "internet"):
        return {"mode": value, "allow": [], "deny": []}
    if not isinstance(value, dict):
        raise ValidationError(
            {"network": '`network` is "none", "internet", or {"allow": [domains], '
             '"deny": [domains]}.'}
        )  # fmt: skip
    unknown = sorted(value.keys() - NETWORK_KEYS)
    if unknown:
        raise ValidationError(
            {"network": f"Unknown key {unknown[0]!r} in `network`: it takes allow, deny and mode."}
        )
    mode = value.get("mode") or ("allow_list" if "allow" in value else "internet")
    if not isinstance(mode, str):
        raise ValidationError({"network": "`network.mode` must be a string."})
    policy = {"mode": mode, "allow": value.get("allow", []), "deny": value.get("deny", [])}
    for key in ("allow", "deny"):
        domains = policy[key]
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise ValidationError({f"network.{key}": f"`network.{key}` must be a list of domains."})
        for domain in domains:
            _encodable(domain, f"network.{key}")
    return policy
