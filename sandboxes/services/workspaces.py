"""Creating sandboxes and editing what they hold: files, entry file, variables."""

from __future__ import annotations

import stat
import zipfile
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction

from quotas.selectors import quota_get
from sandboxes.engine import EngineUnavailable, InvalidSpec
from sandboxes.engine.runtimes import LANGUAGES, entry_file, language_of
from sandboxes.engine_config import get_engine
from sandboxes.limits import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_UNPACKED_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_NAME_LENGTH,
    MAX_VARIABLES,
    validate_args,
    validate_file_size,
    validate_path,
    validate_stdin,
    validate_variable,
)
from sandboxes.models import EnvironmentVariable, Sandbox, SandboxFile
from sandboxes.network import network_default, network_policy_check
from sandboxes.resources import resources_for_run
from sandboxes.services.stored_files import sandbox_file_put, stored_files_delete

STARTER_CODE = {
    "python": 'import sys\n\nprint(f"Hello from Python {sys.version.split()[0]}!")\n',
    "node": "console.log(`Hello from Node.js ${process.version}!`);\n",
}


def runtime_check(runtime: str, *, field: str = "runtime") -> str:
    """The runtime id behind `runtime` ("python" -> "python3.13"), or a ValidationError."""
    engine = get_engine()
    try:
        engine.prepare()
        return engine.runtimes.get(runtime).id
    except InvalidSpec as error:
        raise ValidationError({field: error.sentence()}) from None
    except EngineUnavailable:
        # The runtime list is unknown; the run itself is refused later, with the reason.
        if runtime in LANGUAGES:
            return runtime
        raise ValidationError({field: f"Unknown runtime {runtime!r}."}) from None


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the sandbox a name."})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError({"name": f"Names are limited to {MAX_NAME_LENGTH} characters."})
    return name


@transaction.atomic
def sandbox_create(*, owner, name: str, runtime: str) -> Sandbox:
    name = _clean_name(name)
    runtime = runtime.strip()
    runtime_check(runtime)
    entry = entry_file(runtime)
    network = network_default(quota_get(user=owner).limits)
    sandbox = Sandbox.objects.create(
        owner=owner, name=name, runtime=runtime, entry_file=entry, network_mode=network["mode"]
    )
    starter = STARTER_CODE[language_of(runtime)]
    sandbox_file_put(sandbox=sandbox, path=entry, content=starter.encode())
    return sandbox


@transaction.atomic
def sandbox_rename(*, sandbox: Sandbox, name: str) -> Sandbox:
    sandbox.name = _clean_name(name)
    sandbox.save(update_fields=["name", "updated_at"])
    return sandbox


@transaction.atomic
def sandbox_delete(*, sandbox: Sandbox) -> None:
    stored_files_delete(sandbox.files.all())
    sandbox.delete()


def _check_storage(
    sandbox: Sandbox, *, adding: int, replacing: int = 0, field: str = "content"
) -> None:
    limit = quota_get(user=sandbox.owner).limits.storage_bytes
    used = sandbox.storage_bytes() - replacing
    if used + adding > limit:
        raise ValidationError(
            {field: f"This sandbox would hold {used + adding:,} bytes; your tier allows "
             f"{limit:,}. Delete some files first."}
        )  # fmt: skip


@transaction.atomic
def sandbox_file_save(*, sandbox: Sandbox, path: str, content: bytes) -> SandboxFile:
    """Create or replace a file. Raises ValidationError naming the field and the limit."""
    path = validate_path(path)
    validate_file_size(content, path=path)
    existing = sandbox.files.filter(path=path).first()
    if existing is None and sandbox.files.count() >= MAX_FILES:
        raise ValidationError({"path": f"A sandbox may hold {MAX_FILES} files."})
    _check_storage(sandbox, adding=len(content), replacing=existing.size if existing else 0)
    file = sandbox_file_put(sandbox=sandbox, path=path, content=content)
    sandbox.save(update_fields=["updated_at"])
    return file


@transaction.atomic
def sandbox_file_create(*, sandbox: Sandbox, path: str) -> SandboxFile:
    """A new, empty file; an existing one is never overwritten."""
    path = validate_path(path)
    if sandbox.files.filter(path=path).exists():
        raise ValidationError({"path": f"{path} already exists."})
    return sandbox_file_save(sandbox=sandbox, path=path, content=b"")


@transaction.atomic
def sandbox_files_save(
    *, sandbox: Sandbox, files: dict[str, bytes], field: str = "files"
) -> list[SandboxFile]:
    """Create or replace several files at once: all of them, or none (the whole set is
    checked against the file count and storage limits before anything is written)."""
    cleaned: dict[str, bytes] = {}
    for path, content in files.items():
        path = validate_path(path, field=field)
        validate_file_size(content, path=path, field=field)
        cleaned[path] = content
    existing = dict(sandbox.files.filter(path__in=list(cleaned)).values_list("path", "size"))
    count = sandbox.files.count() + len(cleaned.keys() - existing.keys())
    if count > MAX_FILES:
        raise ValidationError({field: f"That makes {count} files; a sandbox may hold {MAX_FILES}."})
    _check_storage(
        sandbox,
        adding=sum(len(content) for content in cleaned.values()),
        replacing=sum(existing.values()),
        field=field,
    )
    saved = [
        sandbox_file_put(sandbox=sandbox, path=path, content=content)
        for path, content in cleaned.items()
    ]
    sandbox.save(update_fields=["updated_at"])
    return saved


def archive_members(archive: BinaryIO, *, field: str) -> dict[str, bytes]:
    """The files of a zip archive, read defensively: names are checked as workspace paths
    (no absolute paths, no '..', no backslashes), links are refused, and every read is
    capped, because the sizes an archive declares may lie."""
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError({field: "This is not a zip archive (or it is damaged)."}) from None
    members = [
        info
        for info in bundle.infolist()
        if not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and info.filename.rpartition("/")[2] != ".DS_Store"
    ]
    if len(members) > MAX_FILES:
        raise ValidationError(
            {field: f"The archive holds {len(members)} files; a sandbox may hold {MAX_FILES}."}
        )
    files: dict[str, bytes] = {}
    unpacked = 0
    for info in members:
        name = info.filename
        while name.startswith("./"):
            name = name[2:]
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError({field: f"{name} is a link; archives may only hold files."})
        path = validate_path(name, field=field)
        if info.flag_bits & 0x1:
            raise ValidationError({field: "Encrypted archives cannot be unpacked."})
        try:
            with bundle.open(info) as member:
                content = member.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
            raise ValidationError({field: f"{path} could not be unpacked."}) from None
        validate_file_size(content, path=path, field=field)
        unpacked += len(content)
        if unpacked > MAX_ARCHIVE_UNPACKED_BYTES:
            raise ValidationError(
                {field: f"The archive unpacks to more than {MAX_ARCHIVE_UNPACKED_BYTES:,} bytes."}
            )
        files[path] = content
    return files


def sandbox_archive_extract(
    *, sandbox: Sandbox, archive: BinaryIO, size: int, field: str = "upload"
) -> list[SandboxFile]:
    """Unpack an uploaded zip archive into the sandbox (replacing files of the same name):
    every file, or none."""
    if size > MAX_ARCHIVE_BYTES:
        raise ValidationError(
            {field: f"The archive is {size:,} bytes; archives may be {MAX_ARCHIVE_BYTES:,}."}
        )
    files = archive_members(archive, field=field)
    if not files:
        raise ValidationError({field: "The archive holds no files."})
    return sandbox_files_save(sandbox=sandbox, files=files, field=field)


@transaction.atomic
def sandbox_file_rename(*, sandbox: Sandbox, path: str, new_path: str) -> SandboxFile:
    new_path = validate_path(new_path, field="new_path")
    file = sandbox.files.get(path=path)
    if new_path != path and sandbox.files.filter(path=new_path).exists():
        raise ValidationError({"new_path": f"{new_path} already exists."})
    file.path = new_path
    file.save(update_fields=["path", "updated_at"])
    if sandbox.entry_file == path:
        sandbox.entry_file = new_path
    sandbox.save(update_fields=["entry_file", "updated_at"])
    return file


@transaction.atomic
def sandbox_file_delete(*, sandbox: Sandbox, path: str) -> None:
    if path == sandbox.entry_file:
        raise ValidationError({"path": "The entry file cannot be deleted; choose another first."})
    stored_files_delete(sandbox.files.filter(path=path))
    sandbox.save(update_fields=["updated_at"])


@transaction.atomic
def sandbox_entry_set(*, sandbox: Sandbox, path: str) -> Sandbox:
    if not sandbox.files.filter(path=path).exists():
        raise ValidationError({"entry_file": f"{path} is not a file of this sandbox."})
    sandbox.entry_file = path
    sandbox.save(update_fields=["entry_file", "updated_at"])
    return sandbox


@transaction.atomic
def sandbox_variable_set(*, sandbox: Sandbox, name: str, value: str) -> EnvironmentVariable:
    name = name.strip()
    validate_variable(name, value)
    exists = sandbox.variables.filter(name=name).exists()
    if not exists and sandbox.variables.count() >= MAX_VARIABLES:
        raise ValidationError({"name": f"A sandbox may hold {MAX_VARIABLES} variables."})
    variable, _ = EnvironmentVariable.objects.update_or_create(
        sandbox=sandbox, name=name, defaults={"value": value}
    )
    return variable


@transaction.atomic
def sandbox_network_set(
    *, sandbox: Sandbox, mode: str, allow: list[str] = (), deny: list[str] = ()
) -> Sandbox:
    """Choose the sandbox's network policy, checked against its owner's tier. Raises
    ValidationError naming `network`, `network.allow` or `network.deny`."""
    tier = quota_get(user=sandbox.owner).limits
    policy = network_policy_check(tier=tier, mode=mode, allow=allow, deny=deny)
    sandbox.network_mode = policy["mode"]
    sandbox.network_allow = policy["allow"]
    sandbox.network_deny = policy["deny"]
    sandbox.save(update_fields=["network_mode", "network_allow", "network_deny", "updated_at"])
    return sandbox


@transaction.atomic
def sandbox_variable_delete(*, sandbox: Sandbox, name: str) -> None:
    sandbox.variables.filter(name=name).delete()


def sandbox_run_settings_save(
    *,
    sandbox: Sandbox,
    args: list[str],
    stdin: str,
    vcpus: int | None = None,
    memory_mb: int | None = None,
) -> Sandbox:
    """The arguments and stdin text Run gives the entry file, and the vCPUs and memory its
    runs ask for (None: the tier's default; refused over the tier's most, naming the field).
    Recorded with each run."""
    sandbox.run_args = validate_args(args)
    sandbox.run_stdin = validate_stdin(stdin.replace("\r\n", "\n"))
    resources_for_run(tier=quota_get(user=sandbox.owner).limits, vcpus=vcpus, memory_mb=memory_mb)
    sandbox.run_vcpus, sandbox.run_memory_mb = vcpus, memory_mb
    fields = ["run_args", "run_stdin", "run_vcpus", "run_memory_mb", "updated_at"]
    sandbox.save(update_fields=fields)
    return sandbox
