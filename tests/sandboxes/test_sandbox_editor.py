"""The editor page, and its panels served alone over HTMX."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from quotas.models import Quota
from sandboxes.services.workspaces import sandbox_variable_set
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("sandbox_editor", args=[sandbox.pk])


def page_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="editor-config" type="application/json">') + 51
    return json.loads(html[start : html.index("</script>", start)])


def test_the_header_shows_the_runtime_version_packages_and_the_quota_left(
    signed_in, owner, sandbox
):
    Quota.objects.filter(user=owner).update(runs_used=13, compute_seconds_used=1_800)

    page = signed_in.get(url(sandbox)).content.decode()

    assert ">Python 3.13</span>" in page
    assert "0 packages" in page
    assert '37 <span class="muted">of 50</span>' in page
    assert '1 h 30 min <span class="muted">of 2 h</span>' in page
    assert "Run" in page


def test_the_last_runs_duration_is_shown(signed_in, sandbox):
    ExecutionFactory(sandbox=sandbox, wall_ms=1234)

    page = signed_in.get(url(sandbox)).content.decode()

    assert "1.23 s" in page


def test_the_entry_file_opens_in_the_editor_through_the_page_config(signed_in, sandbox):
    config = page_config(signed_in.get(url(sandbox)))

    assert config["file"] == {
        "path": "main.py",
        "text": sandbox.files.get().read().decode(),
        "language": "python",
    }
    assert config["latest"] is None
    assert config["urls"]["run"] == reverse("sandbox_run", args=[sandbox.pk])


def test_a_run_in_progress_is_attached_to_when_the_page_opens(signed_in, sandbox):
    ExecutionFactory(sandbox=sandbox, status="succeeded")
    running = ExecutionFactory(sandbox=sandbox, status="running")

    config = page_config(signed_in.get(url(sandbox)))

    latest = config["latest"]
    assert (latest["id"], latest["active"], latest["status"]) == (str(running.pk), True, "running")
    assert latest["elapsed_ms"] >= 0  # the console's clock starts from the run's start
    # The script builds no URL: the page gives it the run's.
    assert latest["urls"] == {
        "page": f"/runs/{running.pk}/",
        "cancel": f"/runs/{running.pk}/cancel/",
        "stdin": f"/api/executions/{running.pk}/stdin",
        "socket": f"/ws/executions/{running.pk}/",
    }


def test_files_packages_variables_and_runs_are_listed(signed_in, sandbox):
    sandbox_variable_set(sandbox=sandbox, name="API_KEY", value="hunter2-secret")
    sandbox.packages = ["requests"]
    sandbox.save()
    ExecutionFactory(sandbox=sandbox, status="failed", exit_code=3)

    page = signed_in.get(url(sandbox)).content.decode()

    assert 'data-open-file="main.py"' in page
    assert '<code class="package-name">requests</code>' in page
    assert "API_KEY" in page
    assert "exit 3" in page


def test_the_panel_named_in_the_address_is_the_one_open(signed_in, sandbox):
    page = signed_in.get(url(sandbox) + "?panel=packages").content.decode()

    assert 'aria-controls="panel-packages" aria-selected="true"' in page
    assert 'aria-labelledby="tab-packages">' in page
    assert 'aria-labelledby="tab-files" hidden>' in page


def test_variable_values_never_reach_the_page(signed_in, sandbox):
    sandbox_variable_set(sandbox=sandbox, name="API_KEY", value="hunter2-secret")

    page = signed_in.get(url(sandbox)).content.decode()

    assert "hunter2-secret" not in page


def test_over_htmx_a_part_of_the_page_comes_alone(signed_in, sandbox):
    response = signed_in.get(url(sandbox) + "?part=runs_panel", headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="runs-panel"')
    assert "<html" not in page
    assert response["Vary"] == "HX-Request, Cookie"


def test_an_unknown_part_is_not_found(signed_in, sandbox):
    response = signed_in.get(url(sandbox) + "?part=secrets", headers={"HX-Request": "true"})

    assert response.status_code == 404


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.get(url(sandbox)).status_code == 404


def test_it_needs_a_signed_in_user(client, sandbox):
    response = client.get(url(sandbox))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_refused_run_does_not_replace_the_last_run(signed_in, owner, sandbox):
    ran = ExecutionFactory(sandbox=sandbox, status="succeeded", wall_ms=1234)
    ExecutionFactory(sandbox=sandbox, status="rejected", wall_ms=None)

    response = signed_in.get(url(sandbox))

    assert page_config(response)["latest"]["id"] == str(ran.pk)
    assert "1.23 s" in response.content.decode()
    home = signed_in.get(reverse("home")).content.decode()
    assert "Succeeded" in home
    assert "Rejected" not in home


def test_run_is_disabled_with_the_reason_when_no_runs_are_left(signed_in, owner, sandbox):
    Quota.objects.filter(user=owner).update(runs_used=50)

    page = signed_in.get(url(sandbox)).content.decode()

    assert 'title="You have no runs left this period." disabled>' in page
    assert 'data-used-up="You have no runs left this period."' in page


def test_run_is_enabled_while_runs_are_left(signed_in, owner, sandbox):
    Quota.objects.filter(user=owner).update(runs_used=49)

    page = signed_in.get(url(sandbox)).content.decode()

    # Rendered disabled until the editor's script listens; it enables it from data-used-up.
    assert 'title="Save and run main.py (Ctrl+Enter)" disabled>' in page
    assert 'data-used-up=""' in page
