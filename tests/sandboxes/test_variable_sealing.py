"""Variable values are sealed at rest: the database column (a dump, a backup) holds only
ciphertext, while the app reads the value back; the migration seals values stored before."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sandboxes.models import EnvironmentVariable
from sandboxes.runs.start import execution_start_for_sandbox
from sandboxes.services.workspaces import sandbox_file_save, sandbox_variable_set
from tests.waiting import await_status

SECRET = "hunter2-do-not-leak"


def raw_values() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {EnvironmentVariable._meta.db_table}")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_column_holds_no_value_in_plain_text(sandbox):
    sandbox_variable_set(sandbox=sandbox, name="API_KEY", value=SECRET)

    [stored] = raw_values()
    assert SECRET not in stored
    assert sandbox.variables.get(name="API_KEY").value == SECRET
    assert dict(sandbox.variables.values_list("name", "value")) == {"API_KEY": SECRET}


@pytest.mark.django_db
def test_the_same_value_seals_differently_each_time(sandbox, other_user):
    sandbox_variable_set(sandbox=sandbox, name="ONE", value=SECRET)
    sandbox_variable_set(sandbox=sandbox, name="TWO", value=SECRET)

    first, second = raw_values()
    assert first != second


@pytest.mark.django_db
def test_a_rotated_secret_key_still_opens_values_sealed_with_the_old_one(sandbox, settings):
    sandbox_variable_set(sandbox=sandbox, name="API_KEY", value=SECRET)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    assert sandbox.variables.get(name="API_KEY").value == SECRET


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_values_stored_in_plain_text(sandbox):
    before, after = [("sandboxes", "0006_network")], [("sandboxes", "0007_seal_variable_values")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("sandboxes", "Sandbox")
        old.objects.get(pk=sandbox.pk).variables.create(name="API_KEY", value=SECRET)
        assert raw_values() == [SECRET]

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        [stored] = raw_values()
        assert SECRET not in stored
        assert EnvironmentVariable.objects.get(name="API_KEY").value == SECRET
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
async def test_a_run_of_the_sandbox_gets_the_plain_value(live_dispatcher, sandbox):
    @database_sync_to_async
    def start():
        sandbox_variable_set(sandbox=sandbox, name="API_KEY", value=SECRET)
        code = b"import os\nprint(os.environ['API_KEY'])\n"
        sandbox_file_save(sandbox=sandbox, path="main.py", content=code)
        return execution_start_for_sandbox(sandbox=sandbox).pk

    @database_sync_to_async
    def printed(execution):
        return "".join(execution.chunks.values_list("data", flat=True))

    execution = await await_status(await start())

    assert (execution.status, await printed(execution)) == ("succeeded", SECRET + "\n")
