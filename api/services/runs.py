"""Starting a run from an API request."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from api.run_request import RunRequest
from quotas.formatting import format_duration
from quotas.models import Quota
from quotas.selectors import quota_max_timeout
from sandboxes.engine import InvalidSpec
from sandboxes.engine.runtimes import entry_file
from sandboxes.models import Execution
from sandboxes.runs.start import execution_start


def api_run_start(*, user, run: RunRequest, quota: Quota | None = None) -> Execution:
    """Start the run (execution_start checks what it is given, once).

    `code` becomes the runtime's usual entry file (main.py, index.js). Raises
    ValidationError naming the field, or QuotaExceeded (see execution_start).
    """
    try:
        entry = entry_file(run.runtime)
    except InvalidSpec as error:  # no language of ours: no entry file to name
        raise ValidationError({"runtime": error.sentence()}) from None
    if entry in run.files:
        raise ValidationError(
            {"files": f"{entry} is the entry file, whose content is `code`: rename it."}
        )
    _check_timeout(user, run.timeout, run.vcpus, quota)
    try:
        return _start(user, run, entry, quota)
    except ValidationError as error:
        renamed = getattr(error, "error_dict", {}).keys() & API_NAMES.keys()
        if not renamed:
            raise  # as it is (RunsPaused, say, is a ValidationError answered otherwise)
        raise _in_api_names(error) from None


def _start(user, run: RunRequest, entry: str, quota: Quota | None) -> Execution:
    return execution_start(
        user=user,
        runtime=run.runtime,
        files={entry: run.code.encode(), **run.files},
        entry=entry,
        packages=run.packages,
        env=run.env,
        timeout_seconds=run.timeout,
        args=run.args,
        stdin=run.stdin,
        interactive=run.interactive,
        network=run.network,
        vcpus=run.vcpus,
        memory_mb=run.memory_mb,
        quota=quota,
    )


# The services' field names that the API spells otherwise.
API_NAMES = {"memory_mb": "memoryMb"}


def _in_api_names(error: ValidationError) -> ValidationError:
    return ValidationError(
        {API_NAMES.get(field, field): errors for field, errors in error.error_dict.items()}
    )


def _check_timeout(user, timeout: int | None, vcpus: int | None, quota: Quota | None) -> None:
    """A timeout over what the user may run now (at its vCPUs: the longest run and the
    compute left are vCPU-seconds) is refused, not silently shortened.

    With no compute time left at all, the quota refuses the run instead (a 429, which
    says when it resets)."""
    if timeout is None:
        return
    longest = quota_max_timeout(user=user, vcpus=vcpus, quota=quota)
    if 0 < longest < timeout:
        at = f" at {vcpus} vCPUs" if vcpus and vcpus > 1 else ""
        raise ValidationError(
            {"timeout": f"The longest run you may start now{at} is "
             f"{format_duration(longest)} ({longest} s); `timeout` asks for {timeout} s."}
        )  # fmt: skip
