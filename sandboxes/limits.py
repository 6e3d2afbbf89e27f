"""Limits on what a user may store in a sandbox, checked before anything is saved or run."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from sandboxes.engine import InvalidSpec
from sandboxes.engine.spec import ENV_NAME, check_workspace_path

MAX_FILES = 100
MAX_FILE_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 100
MAX_VARIABLES = 50
MAX_VARIABLE_BYTES = 4096
# An uploaded zip archive: its own size, and what it may unpack to (a zip bomb stops here,
# whatever sizes its directory claims).
MAX_ARCHIVE_BYTES = 10 * 1024 * 1024
MAX_ARCHIVE_UNPACKED_BYTES = 20 * 1024 * 1024
# A run's arguments and the standard input given up front (typed input is separate).
MAX_ARGS = 64
MAX_ARG_BYTES = 4096
MAX_STDIN_BYTES = 1024 * 1024
# Typed while a run goes: one write, and all of a run's writes together.
MAX_STDIN_WRITE_BYTES = 64 * 1024


def validate_path(path: str, *, field: str = "path") -> str:
    path = path.strip()
    try:
        check_workspace_path(path, what="file name")
    except InvalidSpec as error:
        raise ValidationError({field: error.sentence()}) from None
    if len(path) > 255:
        raise ValidationError({field: "File names are limited to 255 characters."})
    return path


def validate_file_size(
    content: bytes, *, path: str, field: str = "content", size: int | None = None
) -> None:
    """`size` checks a file not read yet (an upload) by the size it declares."""
    size = len(content) if size is None else size
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            {field: f"{path} is {size:,} bytes; a file may hold {MAX_FILE_BYTES:,}."}
        )


def validate_files(files: dict[str, bytes], *, field: str = "files") -> None:
    if len(files) > MAX_FILES:
        raise ValidationError({field: f"{len(files)} files; a sandbox may hold {MAX_FILES}."})
    for path, content in files.items():
        validate_path(path, field=field)
        validate_file_size(content, path=path, field=field)


def path_is_valid(path: str) -> bool:
    """Whether a stored path is one a workspace may hold as it is (old rows may not be)."""
    try:
        return validate_path(path) == path
    except ValidationError:
        return False


def produced_files_admit(
    files: dict[str, bytes],
    *,
    present: set[str],
    artifact_bytes: int,
    sizes: dict[str, int] | None = None,
    room: int | None = None,
) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The files a run wrote that it keeps, in path order, and (path shown safely, reason)
    for those its sandbox does not keep.

    Names follow the rules its owner's own files follow. A file up to MAX_FILE_BYTES is
    kept with the run and in the sandbox, within the count a sandbox holds (with the
    `present` ones) and the `room` in bytes its storage has left (`sizes`: the present
    files'). A larger one, up to `artifact_bytes` (the tier's storage), is kept with the
    run only, for download: a workspace file that large could not be run again. Larger
    still, it is not kept."""
    kept: dict[str, bytes] = {}
    skipped: list[tuple[str, str]] = []
    count = len(present)
    sizes = sizes or {}
    for path in sorted(files):
        content = files[path]
        try:
            path.encode()
            if validate_path(path) != path:
                raise ValidationError("File names cannot begin or end with a space.")
            if len(content) > artifact_bytes:
                raise ValidationError(
                    f"{len(content):,} bytes; a file a run writes may hold {artifact_bytes:,} "
                    "(the tier's storage)."
                )
        except ValidationError as error:
            skipped.append((_shown(path), error.messages[0]))
            continue
        except UnicodeError:
            skipped.append((_shown(path), "The file name is not valid UTF-8."))
            continue
        if len(content) > MAX_FILE_BYTES:
            skipped.append(
                (path, f"{len(content):,} bytes; a workspace file may hold {MAX_FILE_BYTES:,}, "
                 "so it is kept with this run only.")
            )  # fmt: skip
            kept[path] = content
            continue
        if path not in present and count >= MAX_FILES:
            skipped.append((path, f"A sandbox may hold {MAX_FILES} files."))
            continue
        growth = len(content) - sizes.get(path, 0)
        if room is not None and growth > room:
            skipped.append((path, f"The sandbox's storage has {max(room, 0):,} bytes left."))
            continue
        if path not in present:
            count += 1
        if room is not None:
            room -= growth
        kept[path] = content
    return kept, skipped


def _shown(path: str, limit: int = 120) -> str:
    """A path as text that can be stored and shown whatever it holds (undecodable bytes,
    control characters), shortened."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = "".join(c if c.isprintable() else "\ufffd" for c in text)
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + "\u2026" + text[-(limit - half - 1) :]  # the name at its end shows


def validate_variable(name: str, value: str) -> None:
    if not ENV_NAME.match(name) or len(name) > 128:
        raise ValidationError(
            {"name": "Names are letters, digits and _, not starting with a digit (128 at most)."}
        )
    if len(value.encode()) > MAX_VARIABLE_BYTES or "\0" in value:
        raise ValidationError({"value": f"Values are limited to {MAX_VARIABLE_BYTES} bytes."})


def validate_args(args, *, field: str = "args") -> list[str]:
    if not isinstance(args, list | tuple) or not all(isinstance(arg, str) for arg in args):
        raise ValidationError({field: "Arguments are a list of strings."})
    if len(args) > MAX_ARGS:
        raise ValidationError({field: f"{len(args)} arguments; a run may have {MAX_ARGS}."})
    for arg in args:
        if "\0" in arg or len(arg.encode(errors="replace")) > MAX_ARG_BYTES:
            raise ValidationError(
                {field: f"An argument is limited to {MAX_ARG_BYTES:,} bytes, without NUL."}
            )
    return list(args)


def validate_stdin(text: str, *, field: str = "stdin", limit: int = MAX_STDIN_BYTES) -> str:
    if not isinstance(text, str):
        raise ValidationError({field: "Standard input is a string."})
    if len(text.encode(errors="replace")) > limit:
        raise ValidationError({field: f"Standard input is limited to {limit:,} bytes."})
    return text
