"""Starting, cancelling and finishing executions; quota is reserved and settled here."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from config.numbers import ascii_int
from operations import events
from operations.services import runs_paused_check
from quotas.exceptions import QuotaExceeded
from quotas.selectors import quota_get
from quotas.services import quota_reserve, quota_roll_over, quota_settle
from sandboxes.dispatch import get_dispatcher
from sandboxes.engine import RunResult
from sandboxes.limits import (
    MAX_FILE_BYTES,
    produced_files_admit,
    validate_args,
    validate_files,
    validate_stdin,
    validate_variable,
)
from sandboxes.models import Execution, OutputChunk, Sandbox
from sandboxes.network import network_for_run, network_hint
from sandboxes.resources import resources_for_run
from sandboxes.services.packages import package_usage_record, packages_check
from sandboxes.services.stored_files import (
    execution_files_add,
    execution_input_files,
    execution_inputs_add,
    sandbox_file_put,
    stored_files_delete,
)
from sandboxes.services.workspaces import runtime_check

logger = logging.getLogger(__name__)

FINAL_STATUSES = {status for status in Execution.Status if status not in Execution.ACTIVE}


def _now_iso() -> str:
    return timezone.now().isoformat()


def _refused_snapshot(snapshot: dict, files: dict[str, bytes]) -> dict:
    """What a refused run keeps: names and sizes, not contents (a refusal costs the user
    nothing, so it must cost the server little: no megabytes stored per 429)."""
    kept = {key: value for key, value in snapshot.items() if key != "inputs"}
    return {**kept, "files": {}, "sizes": {path: len(data) for path, data in files.items()}}


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
) -> Execution:
    """Validate, reserve quota, record the run and hand it to the dispatcher.

    `source` says what started it (Execution.Source: the editor, an API).

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
    runs_paused_check(user=user)
    runtime = runtime_check(runtime)
    if not files.get(entry, b"").strip():
        raise ValidationError({"code": "There is no code to run: the entry file is empty."})
    validate_files(files)
    env = dict(env or {})
    for name, value in env.items():
        validate_variable(name, value)
    packages = packages_check(runtime=runtime, packages=packages)
    args = validate_args(args)
    stdin = validate_stdin(stdin)
    if timeout_seconds is None:
        timeout_seconds = settings.SANDBOX_DEFAULT_TIMEOUT
    if timeout_seconds < 1:
        raise ValidationError({"timeout": "The timeout must be at least 1 second."})
    tier = quota_get(user=user).limits
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
                user=user, timeout_seconds=timeout_seconds, vcpus=resources["vcpus"]
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
            dispatcher.submit(execution.pk, env=env)
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
        events.quota_refused(user=user, runtime=runtime, refusal=refusal)
        raise
    events.execution_started(execution)
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


def execution_transition(
    *, execution_id, timeline: list, statuses: Sequence[str], **fields
) -> list | None:
    """Move an active execution on through `statuses` (preparing, running) in one
    conditional UPDATE; the new timeline, or None if the run has already ended.

    `timeline` is the run's timeline as its own task holds it: only that task writes the
    timeline of an active run (whoever ends it, under the row lock, makes it inactive
    first, and this UPDATE then matches nothing)."""
    now = _now_iso()
    timeline = [*timeline, *([status, now] for status in statuses)]
    updated = Execution.objects.filter(pk=execution_id, status__in=Execution.ACTIVE).update(
        status=statuses[-1], timeline=timeline, **fields
    )
    return timeline if updated else None


def execution_cancel(*, execution: Execution) -> bool:
    """Stop an active execution. Returns False if it had already ended."""
    requested = Execution.objects.filter(pk=execution.pk, status__in=Execution.ACTIVE).update(
        cancel_requested=True
    )
    if not requested:
        return False
    if not get_dispatcher().cancel(execution.pk):
        # No task holds it (it never started here): nothing else will end it.
        execution_finish(execution_id=execution.pk, status=Execution.Status.CANCELLED)
    return True


@transaction.atomic
def execution_output_append(*, execution_id, chunks: list[tuple[int, str, str]]) -> None:
    """Store (seq, stream, text) chunks; the stored sequence is what clients replay."""
    if chunks:
        Execution.objects.filter(pk=execution_id).update(
            output_bytes=F("output_bytes") + _output_store(execution_id, chunks)
        )


def _output_store(execution_id, chunks: list[tuple[int, str, str]]) -> int:
    OutputChunk.objects.bulk_create(
        OutputChunk(execution_id=execution_id, seq=seq, stream=stream, data=data)
        for seq, stream, data in chunks
    )
    return sum(len(data.encode()) for _, _, data in chunks)


@transaction.atomic
def execution_finish(
    *,
    execution_id,
    status: str,
    result: RunResult | None = None,
    error: str = "",
    wall_seconds: float = 0.0,
    output: list[tuple[int, str, str]] = (),
    network_failure_seen: bool = False,
    install_seconds: float = 0.0,
) -> Execution:
    """Record how a run ended with the last of its `output`, keep its produced files, and
    settle its quota exactly once.

    `network_failure_seen`: its output said a name did not resolve or a network was
    unreachable; with no network, its error then says how to give it one."""
    execution = Execution.objects.select_for_update().get(pk=execution_id)
    if execution.status in FINAL_STATUSES:
        return execution
    execution.output_bytes += _output_store(execution_id, output)
    now = timezone.now()
    execution.status = status
    execution.timeline = [*execution.timeline, [status, now.isoformat()]]
    execution.finished_at = now
    execution.error = error or (result.error if result else "")
    if result is not None:
        wall_seconds = result.wall_seconds
        execution.exit_code = result.exit_code
        execution.signal = result.signal
        execution.runtime_version = result.runtime_version
        execution.wall_ms = round(result.wall_seconds * 1000)
        execution.cpu_ms = round(result.cpu_seconds * 1000)
        execution.peak_memory_bytes = result.peak_memory_bytes
        execution.output_truncated = result.output_truncated
        execution.network_bytes_in = result.network_bytes_in
        execution.network_bytes_out = result.network_bytes_out
        execution.network_blocked_count = result.network_blocked_count
        execution.network_blocked = list(result.network_blocked)
        hint = network_hint(
            mode=execution.network["mode"],
            blocked=result.network_blocked,
            blocked_count=result.network_blocked_count,
            failure_seen=network_failure_seen,
        )
        execution.error = " ".join(part for part in (execution.error, hint) if part)
        _keep_files(execution, result)
    if execution.reservation is not None:
        # Installing its packages is charged too (a cached set costs nothing), on top of
        # what the run reserved: see quota_settle.
        installed = round(install_seconds)
        quota_settle(
            reservation=execution.reservation,
            compute_seconds=wall_seconds,
            vcpus=execution.vcpus,
            install_seconds=installed,
        )
        execution.install_seconds_charged = installed
        # In vCPU-seconds: wall time times vCPUs, rounded up, within what it reserved.
        execution.compute_seconds_charged = installed + min(
            math.ceil(wall_seconds * execution.vcpus), execution.reservation.seconds_reserved
        )
    execution.save()
    events.execution_finished(execution)
    return execution


SKIPPED_LISTED = 20  # the first skipped files named on the run; the rest counted


def _keep_files(execution: Execution, result: RunResult) -> None:
    """Keep what the run wrote by the rules the sandbox's own files follow (a run must not
    leave its sandbox unable to run again); the rest is counted and named on the run."""
    sandbox = execution.sandbox
    storage_bytes = quota_get(user=execution.owner).limits.storage_bytes
    sizes: dict[str, int] = {}
    room = None
    if sandbox is not None:
        deleted = sandbox.files.filter(path__in=result.deleted_files)
        stored_files_delete(deleted.exclude(path=sandbox.entry_file))
        sizes = dict(sandbox.files.values_list("path", "size"))
        # A run's disk may be larger than what its sandbox may keep.
        room = storage_bytes - sum(sizes.values())
    kept, skipped = produced_files_admit(
        result.files, present=set(sizes), artifact_bytes=storage_bytes, sizes=sizes, room=room
    )
    execution.files_skipped_count = len(skipped)
    execution.files_skipped = [list(item) for item in skipped[:SKIPPED_LISTED]]
    # Contents go to storage (blobs), not the database: a large file the run wrote goes
    # from this process (a worker's) straight there.
    execution_files_add(execution=execution, files=kept)
    if sandbox is None:
        return
    # Persistent state: what the run wrote is there next run, within the tier's storage.
    for path, content in kept.items():
        if len(content) <= MAX_FILE_BYTES:
            sandbox_file_put(sandbox=sandbox, path=path, content=content)


def execution_mark_lost(*, executions: QuerySet[Execution], reason: str) -> int:
    """End runs nobody is running any more (a restarted server, a dead worker)."""
    lost = 0
    for execution_id in executions.filter(status__in=Execution.ACTIVE).values_list("pk", flat=True):
        try:
            execution_finish(execution_id=execution_id, status=Execution.Status.LOST, error=reason)
        except Exception:  # one bad row must not leave the others "running" forever
            logger.exception("could not mark execution %s lost", execution_id)
            continue
        lost += 1
    return lost


def execution_mark_abandoned(*, host: str, alive: str) -> int:
    """At server start: runs a process of this host held (queued in it, or running) that
    is not alive any more. Runs of live processes, of other hosts, and runs waiting for a
    worker to take them (no holder yet) are left alone."""
    ours = Execution.objects.filter(
        status__in=Execution.ACTIVE, worker__startswith=f"{host}:"
    ).exclude(worker=alive)
    abandoned = [
        pk for pk, worker in ours.values_list("pk", "worker")
        if not _process_alive(worker.rpartition(":")[2])
    ]  # fmt: skip
    return execution_mark_lost(
        executions=Execution.objects.filter(pk__in=abandoned),
        reason="The server restarted while this run was in progress.",
    )


def _process_alive(pid: str) -> bool:
    if (number := ascii_int(pid)) is None:
        return False
    try:
        os.kill(number, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
