"""Starting a run: validated, its quota reserved and the run recorded in one transaction,
then handed to the dispatcher."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quotas.exceptions import QuotaExceeded
from quotas.models import Quota
from quotas.selectors import quota_get
from quotas.services import quota_reserve, quota_roll_over
from sandboxes.limits import (
    validate_args,
    validate_file_size,
    validate_files,
    validate_stdin,
    validate_variable,
)
from sandboxes.models import Execution, Sandbox
from sandboxes.network import network_for_run
from sandboxes.resources import resources_for_run
from sandboxes.runs.dispatch import get_dispatcher
from sandboxes.runs.events import observers_tell, run_refused, run_started
from sandboxes.runs.kill_switch import runs_paused_check
from sandboxes.runs.pipeline import Queued
from sandboxes.services.packages import package_usage_record, packages_check
from sandboxes.services.stored_files import execution_input_files, execution_inputs_add
from sandboxes.services.workspaces import runtime_check


def _now_iso() -> str:
    return timezone.now().isoformat()


def _refused_snapshot(snapshot: dict, files: dict[str, bytes]) -> dict:
    """What a refused run keeps: names and sizes, not contents (a refusal costs the user
    nothing, so it must cost the server little: no megabytes stored per 429)."""
    kept = {key: value for key, value in snapshot.items() if key != "inputs"}
    return {**kept, "files": {}, "sizes": {path: len(data) for path, data in files.items()}}


def _validate_input(files: dict[str, bytes], entry: str, env: dict[str, str]) -> None:
    """The program's files and variables, checked once for every way a run starts. The
    entry file's problems name `code` (what the API and the editor call it)."""
    code = files.get(entry, b"")
    if not code.strip():
        raise ValidationError({"code": "There is no code to run: the entry file is empty."})
    validate_file_size(code, path=entry, field="code")
    validate_files(files)
    for name, value in env.items():
        try:
            validate_variable(name, value)
        except ValidationError as error:
            raise ValidationError({"env": f"{name}: {error.messages[0]}"}) from None


def execution_start(
    *,
    user,
    runtime: str,
    files: dict[str, bytes],
    entry: str,
    packages: Iterable[str] = (),
    env: dict[str, str] | None = None,
    sandbox: Sandbox | None = None,
    timeout_seconds: int | None = None,
    args: Sequence[str] = (),
    stdin: str = "",
    interactive: bool = False,
    network: dict | None = None,
    vcpus: int | None = None,
    memory_mb: int | None = None,
    source: str = Execution.Source.API,
    quota: Quota | None = None,
) -> Execution:
    """Validate, reserve quota, record the run and hand it to the dispatcher.

    `source` says what started it (Execution.Source: the editor, an API). `quota`: the
    user's with its tier, if the caller has just read it (an API request reads it with
    its token): not read again (quota_reserve checks its counters again before a refusal).

    `network` is the policy asked for ({"mode", "allow", "deny"}; None: the tier's
    default), refused if the user's tier does not allow it; so are `vcpus` and
    `memory_mb` (None: the tier's default) over the tier's most.

    Variable values go to the dispatcher only (in memory, or sealed in a distributed
    job); the execution keeps their names. `args` and `stdin` are kept with the run (a
    re-run uses them); an `interactive` run's stdin stays open after `stdin` for what its
    owner types (execution_stdin_write) until they close it or the run ends.

    Raises ValidationError (bad input, naming the field), RunsPaused (the operators' kill
    switch is on) or QuotaExceeded (after recording a `rejected` execution, available as
    ``error.execution``).
    """
    runs_paused_check(user=user, runtime=runtime)
    runtime = runtime_check(runtime)
    _validate_input(files, entry, env or {})
    env = dict(env or {})
    packages = packages_check(runtime=runtime, packages=packages)
    args = validate_args(args)
    stdin = validate_stdin(stdin)
    if timeout_seconds is None:
        timeout_seconds = settings.SANDBOX_DEFAULT_TIMEOUT
    if timeout_seconds < 1:
        raise ValidationError({"timeout": "The timeout must be at least 1 second."})
    if quota is None:
        quota = quota_get(user=user)
    tier = quota.limits
    network = network_for_run(tier=tier, policy=network)
    resources = resources_for_run(tier=tier, vcpus=vcpus, memory_mb=memory_mb)
    snapshot = {
        # Names and sizes: the contents go to storage (execution_inputs_add).
        "inputs": {path: len(data) for path, data in files.items()},
        "entry": entry,
        "packages": packages,
        "env_names": sorted(env),
        "args": args,
        "stdin": stdin,
        "interactive": bool(interactive),
        "network": network,
        "resources": resources,
    }
    fields = {"owner": user, "sandbox": sandbox, "runtime": runtime, "source": source}
    dispatcher = get_dispatcher()
    try:
        # One transaction: a reservation never outlives a failure before its run is
        # recorded (a held concurrency slot nobody would ever free).
        with transaction.atomic():
            reservation = quota_reserve(
                user=user, timeout_seconds=timeout_seconds, vcpus=resources["vcpus"], quota=quota
            )
            execution = Execution.objects.create(
                **fields,
                snapshot=snapshot,
                reservation=reservation,
                # Reserved in vCPU-seconds: the run's wall time is that over its vCPUs.
                timeout_seconds=reservation.seconds_reserved // resources["vcpus"],
                timeline=[[Execution.Status.QUEUED, _now_iso()]],
                worker=dispatcher.holder,
            )
            execution_inputs_add(execution=execution, files=files)
            package_usage_record(runtime=runtime, packages=packages, user=user)
            # In this transaction: the distributed dispatcher's job is recorded with the
            # run (the inline one waits for the commit itself).
            dispatcher.submit(Queued(execution, files), env=env)
    except QuotaExceeded as refusal:
        quota_roll_over(user=user)  # a new period stands even when this run is refused
        refusal.execution = Execution.objects.create(
            **fields,
            snapshot=_refused_snapshot(snapshot, files),
            timeout_seconds=timeout_seconds,
            status=Execution.Status.REJECTED,
            error=refusal.message,
            timeline=[[Execution.Status.REJECTED, _now_iso()]],
            finished_at=timezone.now(),
        )
        observers_tell(run_refused, user=user, runtime=runtime, refusal=refusal)
        raise
    observers_tell(run_started, execution=execution)
    return execution


def execution_start_for_sandbox(*, sandbox: Sandbox, timeout_seconds: int | None = None):
    """A run from the editor: the sandbox's arguments, stdin text, vCPUs and memory; with
    no stdin text, the run is interactive (its console writes what the owner types)."""
    files = {f.path: f.read() for f in sandbox.files.all()}
    return execution_start(
        user=sandbox.owner,
        runtime=sandbox.runtime,
        files=files,
        entry=sandbox.entry_file,
        packages=sandbox.packages,
        env=dict(sandbox.variables.values_list("name", "value")),
        sandbox=sandbox,
        timeout_seconds=timeout_seconds,
        args=sandbox.run_args,
        stdin=sandbox.run_stdin,
        interactive=not sandbox.run_stdin,
        network=sandbox.network_policy,
        vcpus=sandbox.run_vcpus,
        memory_mb=sandbox.run_memory_mb,
        source=Execution.Source.EDITOR,
    )


def execution_rerun(*, execution: Execution) -> Execution:
    """The same files, entry, runtime, packages, arguments, stdin and network policy as a
    past run (with the sandbox's current variable values: past values are never stored)."""
    if not execution.files_kept:
        raise ValidationError(
            {"execution": "This run was refused before it started, so its files were not "
             "kept: run the sandbox (or send the request) again instead."}
        )  # fmt: skip
    snapshot = execution.snapshot
    sandbox = execution.sandbox
    variables = dict(sandbox.variables.values_list("name", "value")) if sandbox else {}
    return execution_start(
        user=execution.owner,
        runtime=execution.runtime,
        files=execution_input_files(execution),
        entry=snapshot["entry"],
        packages=snapshot["packages"],
        env={name: variables[name] for name in snapshot["env_names"] if name in variables},
        sandbox=sandbox,
        timeout_seconds=execution.timeout_seconds,
        args=snapshot.get("args", ()),
        stdin=snapshot.get("stdin", ""),
        interactive=snapshot.get("interactive", False),
        network={key: execution.network[key] for key in ("mode", "allow", "deny")},
        **_resources_asked(snapshot),
        source=execution.source,
    )


def _resources_asked(snapshot: dict) -> dict:
    """The vCPUs and memory a past run had, asked for again (a run from before runs had
    resources gets the tier's defaults)."""
    resources = snapshot.get("resources") or {}
    return {"vcpus": resources.get("vcpus"), "memory_mb": resources.get("memory_mb")}
