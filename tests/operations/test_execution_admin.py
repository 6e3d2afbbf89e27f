"""The execution admin: history with filters and search, a run's output and timeline
read-only, and the actions cancel, re-run and mark lost."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from sandboxes.models import Execution, OutputChunk
from sandboxes.services.stored_files import execution_input_files
from sandboxes.services.workspaces import sandbox_create
from tests.factories import ExecutionFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:sandboxes_execution_changelist")


def page(execution) -> str:
    return reverse("admin:sandboxes_execution_change", args=[execution.pk])


def act(client, action: str, *executions):
    return client.post(
        LIST,
        {"action": action, "_selected_action": [str(e.pk) for e in executions]},
        follow=True,
    )


def test_the_list_filters_by_status_language_and_user(staff_client):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    failed = ExecutionFactory(owner=ada, status="failed")
    node = ExecutionFactory(owner=bob, runtime="node22")
    ExecutionFactory(owner=bob)

    by_status = staff_client.get(LIST, {"status__exact": "failed"})
    by_language = staff_client.get(LIST, {"language": "node"})
    by_user = staff_client.get(LIST, {"owner": ada.pk})

    assert list(by_status.context["cl"].result_list) == [failed]
    assert list(by_language.context["cl"].result_list) == [node]
    assert list(by_user.context["cl"].result_list) == [failed]


def test_a_user_filter_that_is_not_ascii_digits_is_ignored(staff_client):
    run = ExecutionFactory()

    response = staff_client.get(LIST, {"owner": "²"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [run]


def test_searching_an_execution_id_finds_that_run(staff_client):
    wanted = ExecutionFactory()
    ExecutionFactory()

    response = staff_client.get(LIST, {"q": str(wanted.pk)})

    assert list(response.context["cl"].result_list) == [wanted]


def test_searching_a_username_finds_their_runs(staff_client):
    ada = UserFactory(username="ada")
    mine = ExecutionFactory(owner=ada)
    ExecutionFactory()

    response = staff_client.get(LIST, {"q": "ada"})

    assert list(response.context["cl"].result_list) == [mine]


def test_a_run_shows_its_output_timeline_and_cost_read_only(staff_client):
    execution = ExecutionFactory(
        status="failed",
        timeline=[
            ["queued", "2026-11-29T10:00:00+00:00"],
            ["preparing", "2026-11-29T10:00:00.250000+00:00"],
            ["running", "2026-11-29T10:00:01+00:00"],
            ["failed", "2026-11-29T10:00:03+00:00"],
        ],
    )
    OutputChunk.objects.create(execution=execution, seq=1, stream="stdout", data="hello <b>\n")
    OutputChunk.objects.create(execution=execution, seq=2, stream="stderr", data="Traceback\n")

    response = staff_client.get(page(execution))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="ops-stdout">hello &lt;b&gt;\n</span>' in html
    assert '<span class="ops-stderr">Traceback\n</span>' in html
    assert "<td>queued</td><td>2026-11-29T10:00:00+00:00</td><td>250 ms</td>" in html
    assert "<td>running</td><td>2026-11-29T10:00:01+00:00</td><td>2 s</td>" in html
    assert "<strong>$0.0001</strong> = compute &lt;$0.0001" in html  # default prices
    assert 'name="_save"' not in html  # nothing to edit


def test_cancel_stops_active_runs_and_leaves_ended_ones(staff_client):
    queued = ExecutionFactory(status="queued")
    done = ExecutionFactory(status="succeeded")

    response = act(staff_client, "cancel_runs", queued, done)

    queued.refresh_from_db()
    done.refresh_from_db()
    assert queued.status == "cancelled"  # nothing held it: it ended at once
    assert done.status == "succeeded"
    assert "Asked 1 run to stop." in response.content.decode()


def test_mark_lost_ends_runs_nobody_is_running(staff_client):
    stuck = ExecutionFactory(status="running", worker="gone-host:123")

    response = act(staff_client, "mark_lost", stuck)

    stuck.refresh_from_db()
    assert stuck.status == "lost"
    assert stuck.error == "Marked lost by an operator."
    assert "Marked 1 run lost." in response.content.decode()


def test_rerun_starts_the_same_code_as_its_owner(staff_client, owner):
    sandbox = sandbox_create(owner=owner, name="Scratch", runtime="python")
    original = ExecutionFactory(
        owner=owner,
        sandbox=sandbox,
        snapshot={"files": {"main.py": "cHJpbnQoMSkK"}, "entry": "main.py",
                  "packages": [], "env_names": []},
    )  # fmt: skip

    response = act(staff_client, "rerun_runs", original)

    again = Execution.objects.exclude(pk=original.pk).get()
    assert (again.owner, again.sandbox, again.status) == (owner, sandbox, "queued")
    assert execution_input_files(again) == {"main.py": b"print(1)\n"}
    assert response.redirect_chain[-1][0] == page(again)


def test_rerun_reports_a_quota_refusal(staff_client, owner):
    owner.quota.runs_used = 50
    owner.quota.save()
    original = ExecutionFactory(
        owner=owner,
        snapshot={"files": {"main.py": "cHJpbnQoMSkK"}, "entry": "main.py",
                  "packages": [], "env_names": []},
    )  # fmt: skip

    response = act(staff_client, "rerun_runs", original)

    assert "Not re-run: owner: Monthly executions used up" in response.content.decode()


def test_staff_who_may_only_view_executions_get_no_actions(client):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_execution"))
    client.force_login(viewer)
    running = ExecutionFactory(status="running")

    listing = client.get(LIST)
    attempt = act(client, "mark_lost", running)

    running.refresh_from_db()
    assert listing.status_code == 200
    assert "mark_lost" not in listing.content.decode()
    assert running.status == "running"
    assert attempt.status_code == 200


def test_executions_cannot_be_added_or_deleted(staff_client):
    execution = ExecutionFactory()

    assert staff_client.get(reverse("admin:sandboxes_execution_add")).status_code == 403
    delete = reverse("admin:sandboxes_execution_delete", args=[execution.pk])
    assert staff_client.get(delete).status_code == 403


def test_the_list_shows_and_filters_what_started_each_run(staff_client):
    judge0 = ExecutionFactory(source="judge0")
    ExecutionFactory(source="editor")

    response = staff_client.get(LIST, {"source__exact": "judge0"})

    assert list(response.context["cl"].result_list) == [judge0]
    assert "Judge0 API" in response.content.decode()
