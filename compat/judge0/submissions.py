"""Judge0's submission: its body read into an ordinary run, and a run read back as Judge0's
submission. Refusals are Judge0's: 422 with {field: [message]}; unknown fields are ignored,
as Judge0 does."""

from __future__ import annotations

import base64
import binascii
import io
import math
import shlex
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from api.errors import ApiError
from compat.judge0.languages import judge0_languages
from compat.runtimes import Language
from sandboxes.services.workspaces import archive_members

# Judge0's default answer fields (its `fields=` parameter picks others, `*` all).
DEFAULT_FIELDS = (
    "stdout",
    "time",
    "memory",
    "stderr",
    "token",
    "compile_output",
    "message",
    "status",
)
ALL_FIELDS = (
    "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id",
    "created_at", "finished_at", "time", "memory", "stderr", "token", "cpu_time_limit",
    "wall_time_limit", "memory_limit", "compile_output", "exit_code", "exit_signal", "message",
    "wall_time", "command_line_arguments", "status", "language",
)  # fmt: skip
ENCODED = (
    "source_code",
    "stdin",
    "expected_output",
    "stdout",
    "stderr",
    "compile_output",
    "message",
)
# Judge0 options for what only compiled languages or its own sandbox have: refused when asked
# for (they would not hold), ignored when left at their "off" values.
UNSUPPORTED = {
    "compiler_options": "setting compiler options is not allowed: no language here is compiled",
    "enable_network": "enabling network is not allowed",
    "callback_url": "callbacks are not supported: poll the submission by its token",
    "redirect_stderr_to_stdout": "redirecting stderr to stdout is not supported",
}


@dataclass(frozen=True)
class Limits:
    """What the caller may ask for: seconds (their tier's longest run now) and KB."""

    max_seconds: int
    max_memory_kb: int


@dataclass(frozen=True)
class Judge0Request:
    language_id: int
    language: Language
    files: dict[str, bytes]
    entry: str
    stdin: str
    args: list[str]
    expected_output: str | None
    cpu_time_limit: float | None
    wall_time_limit: float | None
    memory_limit: int | None
    command_line_arguments: str
    timeout_seconds: int | None


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def judge0_request_parse(
    data, *, base64_encoded: bool, languages: list[Language], limits: Limits
) -> Judge0Request:
    """Raises ValidationError naming the field (Judge0's 422)."""
    if not isinstance(data, dict):
        raise invalid("submission", "must be a JSON object")
    text = {
        name: _text(data, name, base64_encoded)
        for name in ("source_code", "stdin", "expected_output")
    }
    if not text["source_code"]:
        raise invalid("source_code", "can't be blank")
    language_id = data.get("language_id")
    if language_id is None:
        raise invalid("language_id", "can't be blank")
    known = judge0_languages(languages)
    if (
        isinstance(language_id, bool)
        or not isinstance(language_id, int)
        or language_id not in known
    ):
        raise invalid("language_id", f"language with id {language_id} doesn't exist")
    for name, message in UNSUPPORTED.items():
        if data.get(name) not in (None, False, ""):
            raise invalid(name, message)
    runs = data.get("number_of_runs")
    if runs not in (None, 1):
        raise invalid("number_of_runs", "must be less than or equal to 1")
    cpu = _limit(data, "cpu_time_limit", limits.max_seconds)
    wall = _limit(data, "wall_time_limit", limits.max_seconds)
    memory = _limit(data, "memory_limit", limits.max_memory_kb)
    arguments = data.get("command_line_arguments") or ""
    if not isinstance(arguments, str):
        raise invalid("command_line_arguments", "must be a string")
    try:
        args = shlex.split(arguments)
    except ValueError as error:
        raise invalid(
            "command_line_arguments", f"cannot be split into arguments: {error}"
        ) from None
    language = known[language_id]
    files = {language.entry: text["source_code"].encode()}
    for path, content in _additional_files(data.get("additional_files")).items():
        files.setdefault(path, content)  # the program itself wins over a file of its name
    if wall is not None:
        timeout = math.ceil(wall)
    elif cpu is not None:
        # The engine's limit is wall time: a program on the CPU all along reaches it just
        # after its CPU limit, and is judged on the CPU time it used.
        timeout = math.ceil(cpu) + 1
    else:
        timeout = None
    return Judge0Request(
        language_id=language_id,
        language=language,
        files=files,
        entry=language.entry,
        stdin=text["stdin"] or "",
        args=args,
        expected_output=text["expected_output"],
        cpu_time_limit=cpu,
        wall_time_limit=wall,
        memory_limit=None if memory is None else int(memory),
        command_line_arguments=arguments,
        timeout_seconds=None if timeout is None else min(timeout, limits.max_seconds or timeout),
    )


def _text(data: dict, name: str, base64_encoded: bool) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    if not base64_encoded:
        return value
    try:
        return base64.b64decode(value.replace("\n", ""), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid(name, "is not valid base64 of UTF-8 text (base64_encoded=true)") from None


def _limit(data: dict, name: str, maximum: float) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(name, "is not a number")
    if value <= 0:
        raise invalid(name, "must be greater than 0")
    if maximum and value > maximum:
        raise invalid(name, f"must be less than or equal to {maximum}")
    return float(value)


def _additional_files(value) -> dict[str, bytes]:
    """Judge0's `additional_files`: a zip archive, base64-encoded, unpacked beside the program."""
    if not value:
        return {}
    if not isinstance(value, str):
        raise invalid("additional_files", "must be a base64-encoded zip archive")
    try:
        archive = base64.b64decode(value.replace("\n", ""), validate=True)
    except binascii.Error:
        raise invalid("additional_files", "is not valid base64") from None
    return archive_members(io.BytesIO(archive), field="additional_files")


def fields_parse(value: str | None) -> tuple[str, ...]:
    """Judge0's `fields=`: a comma-separated list, `*` for all; an unknown one is a 400."""
    if not value:
        return DEFAULT_FIELDS
    if value.strip() == "*":
        return ALL_FIELDS
    fields = tuple(field.strip() for field in value.split(",") if field.strip())
    unknown = [field for field in fields if field not in ALL_FIELDS]
    if unknown:
        raise ApiError(400, f"invalid fields: [{', '.join(unknown)}]")
    return fields
