"""execution_start: quota reserved and the run recorded together, or neither; a refusal
recorded cheaply."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quotas.exceptions import QuotaExceeded
from quotas.models import Quota, Reservation
from sandboxes.models import Execution
from sandboxes.runs import start as start_module
from sandboxes.runs.start import execution_rerun, execution_start

pytestmark = pytest.mark.django_db

CODE = {"main.py": b"print('hi')\n", "data.bin": b"\x00" * 5000}


def start(user):
    return execution_start(user=user, runtime="python", files=CODE, entry="main.py")


def test_a_failure_between_reserving_and_recording_the_run_holds_no_quota(owner, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(start_module, "package_usage_record", broken)

    with pytest.raises(RuntimeError):
        start(owner)

    quota = Quota.objects.get(user=owner)
    assert (quota.runs_active, quota.runs_used, quota.compute_seconds_reserved) == (0, 0, 0)
    assert not Reservation.objects.exists()
    assert not Execution.objects.exists()


def test_after_such_a_failure_a_free_user_can_still_run(owner, monkeypatch):
    monkeypatch.setattr(start_module, "package_usage_record", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        start(owner)
    monkeypatch.undo()

    execution = start(owner)  # the free tier allows one run at a time

    assert execution.status == "queued"


def test_a_refused_run_keeps_the_names_and_sizes_of_its_files_not_their_contents(owner):
    Quota.objects.filter(user=owner).update(runs_used=50)

    with pytest.raises(QuotaExceeded) as refused:
        start(owner)

    execution = Execution.objects.get(pk=refused.value.execution.pk)
    assert execution.status == "rejected"
    assert execution.snapshot["files"] == {}
    assert not execution.inputs.exists()
    assert execution.snapshot["sizes"] == {"main.py": 12, "data.bin": 5000}
    assert execution.file_names == ["data.bin", "main.py"]


def test_a_refused_run_cannot_be_run_again_from_its_record(owner):
    Quota.objects.filter(user=owner).update(runs_used=50)
    with pytest.raises(QuotaExceeded) as refused:
        start(owner)
    Quota.objects.filter(user=owner).update(runs_used=0)

    with pytest.raises(ValidationError) as error:
        execution_rerun(execution=refused.value.execution)

    assert "execution" in error.value.message_dict
    assert "were not kept" in error.value.message_dict["execution"][0]
