"""The kill switch moved from the operator settings to the sandboxes app: an installation
that had paused runs stays paused, with the same message, and moving back keeps it too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sandboxes.models import KillSwitch

BEFORE = [("operations", "0004_price_per_vcpu_hour"), ("sandboxes", "0016_kill_switch")]
AFTER = [("operations", "0005_kill_switch_to_sandboxes")]
MESSAGE = "Upgrading the database until 14:00 UTC."


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_paused_installation_stays_paused_with_its_message():
    old = migrate(BEFORE).get_model("operations", "OperatorSettings")
    try:
        old.objects.create(pk=1, runs_paused=True, pause_message=MESSAGE)

        migrate(AFTER)
        assert KillSwitch.paused_message() == MESSAGE

        KillSwitch.objects.filter(pk=1).update(pause_message="Back soon.")
        old = migrate(BEFORE).get_model("operations", "OperatorSettings")
        assert old.objects.values_list("runs_paused", "pause_message").get() == (
            True,
            "Back soon.",
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
