"""The kill switch: while an operator has paused runs, the start service refuses every
new run with the operator's message, so the editor, the API, re-runs and anything else
that starts runs refuse it; every page says so."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from api.services.tokens import api_token_create
from sandboxes.models import Execution
from sandboxes.runs.kill_switch import RunsPaused
from sandboxes.runs.start import execution_start
from sandboxes.services.workspaces import sandbox_create
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Maintenance until 14:00 UTC."


@pytest.fixture
def paused(kill_switch):
    kill_switch.runs_paused = True
    kill_switch.pause_message = MESSAGE
    kill_switch.save()
    return kill_switch


def test_the_start_service_refuses_and_records_nothing(paused, owner):
    with pytest.raises(RunsPaused) as refused:
        execution_start(user=owner, runtime="python", files={"main.py": b"1"}, entry="main.py")

    assert refused.value.message == MESSAGE
    assert not Execution.objects.exists()
    owner.quota.refresh_from_db()
    assert owner.quota.runs_used == 0  # nothing reserved


def test_the_editor_gets_a_503_with_the_message(paused, client, owner):
    sandbox = sandbox_create(owner=owner, name="Scratch", runtime="python")
    client.force_login(owner)

    response = client.post(reverse("sandbox_run", args=[sandbox.pk]))

    assert response.status_code == 503
    assert response.json()["errors"] == {"__all__": [MESSAGE]}


def test_the_api_answers_503_with_the_message(paused, owner):
    secret = api_token_create(user=owner, name="tests").secret
    api = Client(headers={"Authorization": f"Bearer {secret}"})

    response = api.post(
        "/api/sandbox", json.dumps({"code": "print(1)"}), content_type="application/json"
    )

    assert response.status_code == 503
    assert response.json() == {"error": MESSAGE}
    assert response["Retry-After"] == "300"


def test_the_api_document_says_so(client):
    document = client.get("/api/openapi.json").json()

    assert (
        "kill switch"
        in document["paths"]["/api/sandbox"]["post"]["responses"]["503"]["description"]
    )


def test_run_again_shows_the_message(paused, client, owner):
    sandbox = sandbox_create(owner=owner, name="Scratch", runtime="python")
    past = ExecutionFactory(
        owner=owner,
        sandbox=sandbox,
        snapshot={"files": {"main.py": "MQ=="}, "entry": "main.py",
                  "packages": [], "env_names": []},
    )  # fmt: skip
    client.force_login(owner)

    response = client.post(reverse("run_rerun", args=[past.pk]), follow=True)

    assert MESSAGE in [str(m) for m in response.context["messages"]]
    assert Execution.objects.count() == 1


@pytest.mark.sandbox
def test_the_operators_engine_command_still_runs_while_users_are_paused(paused, tmp_path, capsys):
    """run_sandbox runs code straight on the engine, outside quotas and the database:
    operators check the engine with it while users are paused."""
    program = tmp_path / "main.py"
    program.write_text("print('engine ok')\n")

    call_command("run_sandbox", str(program), "--json")

    result = json.loads(capsys.readouterr().out)
    assert (result["status"], result["stdout"]) == ("succeeded", "engine ok\n")


def test_every_page_shows_the_message(paused, client, owner):
    client.force_login(owner)

    response = client.get(reverse("home"))

    banner = f'<p class="banner banner-paused" role="alert">{MESSAGE}</p>'
    assert banner in response.content.decode()


def test_an_empty_message_falls_back_to_a_default(paused, owner):
    paused.pause_message = ""
    paused.save()

    with pytest.raises(RunsPaused, match="New runs are paused for maintenance"):
        execution_start(user=owner, runtime="python", files={"main.py": b"1"}, entry="main.py")


def test_turning_it_off_lets_runs_start_again(paused, owner):
    paused.runs_paused = False
    paused.save()

    execution = execution_start(
        user=owner, runtime="python", files={"main.py": b"1"}, entry="main.py"
    )

    assert execution.status == "queued"


def test_operators_flip_it_in_the_admin(staff_client, kill_switch):
    url = reverse("admin:sandboxes_killswitch_change", args=[1])
    form = {"runs_paused": "on", "pause_message": MESSAGE}

    response = staff_client.post(url, form)

    kill_switch.refresh_from_db()
    assert response.status_code == 302
    assert kill_switch.runs_paused
    listing = staff_client.get(reverse("admin:sandboxes_killswitch_changelist"))
    assert listing["Location"] == url
