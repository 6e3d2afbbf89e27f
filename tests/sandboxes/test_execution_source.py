"""Each run records what started it: the editor, or the HTTP API (the compatible APIs'
runs are tested with them, in tests/compat)."""

from __future__ import annotations

import pytest

from quotas.exceptions import QuotaExceeded
from quotas.models import Quota
from sandboxes.models import Execution
from sandboxes.runs.start import execution_start, execution_start_for_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quota_used_up(owner):
    """A refused run is recorded too, with nothing to run: enough to see its source."""
    Quota.objects.filter(user=owner).update(runs_used=50)


def test_a_run_from_the_editor_is_marked_editor(sandbox):
    with pytest.raises(QuotaExceeded) as refusal:
        execution_start_for_sandbox(sandbox=sandbox)

    assert refusal.value.execution.source == Execution.Source.EDITOR


def test_a_run_started_without_a_source_is_marked_api(owner):
    with pytest.raises(QuotaExceeded) as refusal:
        execution_start(
            user=owner, runtime="python", files={"main.py": b"print(1)"}, entry="main.py"
        )

    assert refusal.value.execution.source == Execution.Source.API
