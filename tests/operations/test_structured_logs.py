"""Structured logs: one JSON line per run event and quota decision, carrying the
execution id, the user id and the worker."""

from __future__ import annotations

import json
import logging

import pytest

from operations import metrics
from operations.logs import JsonFormatter
from quotas.exceptions import QuotaExceeded
from quotas.models import Quota
from sandboxes.models import Execution, KillSwitch
from sandboxes.runs.ending import execution_end
from sandboxes.runs.kill_switch import RunsPaused
from sandboxes.runs.start import execution_start
from tests.factories import UserFactory, seeded_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    """The JSON lines the events logger writes during the test."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("codesandboxes.events")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in lines]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def start(user):
    return execution_start(user=user, runtime="python", files={"main.py": b"1"}, entry="main.py")


def test_a_run_logs_its_quota_reservation_queueing_and_end(owner, events):
    execution = start(owner)
    Execution.objects.filter(pk=execution.pk).update(worker="host-7:4242")
    execution_end(execution.pk, status="lost", error="The worker died.")

    lines = events()
    assert [line["event"] for line in lines] == [
        "quota.reserved", "run.queued", "run.finished", "quota.settled",
    ]  # fmt: skip
    for line in lines:
        assert line["execution_id"] == str(execution.pk)
        assert line["user_id"] == owner.pk
    finished = lines[2]
    assert finished["worker"] == "host-7:4242"
    assert finished["status"] == "lost"
    assert finished["level"] == "warning"
    assert finished["error"] == "The worker died."
    assert {"time", "process", "logger", "queue_wait_ms"} <= finished.keys()


def test_a_reservation_is_logged_in_vcpu_seconds(events):
    user = UserFactory(tier=seeded_tier("enterprise"))
    execution = execution_start(
        user=user, runtime="python", files={"main.py": b"1"}, entry="main.py", vcpus=2
    )

    (reserved,) = [line for line in events() if line["event"] == "quota.reserved"]
    assert reserved["seconds_reserved"] == execution.reservation.seconds_reserved
    assert reserved["seconds_reserved"] == 2 * execution.timeout_seconds


def test_a_quota_refusal_is_logged_with_the_limit(owner, events):
    Quota.objects.filter(user=owner).update(runs_used=50)

    with pytest.raises(QuotaExceeded):
        start(owner)

    (line,) = events()
    rejected = Execution.objects.get()
    assert line["event"] == "quota.refused"
    assert (line["execution_id"], line["user_id"]) == (str(rejected.pk), owner.pk)
    assert line["limit"] == "monthly_executions"
    assert line["reason"].startswith("Monthly executions used up")


def test_a_refusal_by_the_kill_switch_is_logged(owner, events):
    KillSwitch.objects.create(pk=1, runs_paused=True)

    with pytest.raises(RunsPaused):
        start(owner)

    (line,) = events()
    assert line["event"] == "run.refused_paused"
    assert (line["user_id"], line["level"]) == (owner.pk, "warning")


def test_a_failing_recorder_never_breaks_the_run(owner, monkeypatch, caplog):
    monkeypatch.setattr(metrics, "RUNS_STARTED", None)  # anything that would raise

    execution = start(owner)

    assert execution.status == "queued"
    assert "recording execution_started failed" in caplog.text


def test_the_formatter_writes_extra_fields_as_json():
    record = logging.makeLogRecord(
        {"name": "x", "levelno": logging.INFO, "levelname": "INFO", "msg": "hello %s",
         "args": ("world",), "execution_id": "abc"}
    )  # fmt: skip

    line = json.loads(JsonFormatter().format(record))

    assert (line["message"], line["execution_id"], line["level"]) == ("hello world", "abc", "info")
