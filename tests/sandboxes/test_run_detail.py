"""A run's page (its output comes over the socket), and the files it wrote as a partial."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quotas.models import Quota
from sandboxes.models import ExecutionFile
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


def url(execution) -> str:
    return reverse("run_detail", args=[execution.pk])


def test_the_owner_sees_how_the_run_went(signed_in, sandbox):
    execution = ExecutionFactory(
        sandbox=sandbox,
        status="failed",
        exit_code=3,
        wall_ms=2500,
        cpu_ms=800,
        runtime_version="3.13.0",
        timeline=[
            ["queued", "2026-11-29T14:00:00.000+00:00"],
            ["failed", "2026-11-29T14:00:02+00:00"],
        ],
    )

    page = signed_in.get(url(execution)).content.decode()

    assert "Run of <code>main.py</code>" in page
    assert "Python 3.13 (3.13.0)" in page
    assert "2.50 s" in page
    assert "14:00:00.000" in page
    assert f'"id": "{execution.pk}"' in page
    assert reverse("run_rerun", args=[execution.pk]) in page


def test_over_htmx_it_answers_with_the_files_the_run_wrote(signed_in, sandbox):
    execution = ExecutionFactory(sandbox=sandbox)
    ExecutionFile.objects.create(execution=execution, path="plot.png", content=b"\x89PNG", size=4)
    ExecutionFile.objects.create(execution=execution, path="out.csv", content=b"a", size=1)

    response = signed_in.get(url(execution), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert "<html" not in page
    assert f'src="{reverse("run_file", args=[execution.pk])}?path=plot.png&amp;inline=1"' in page
    assert "out.csv" in page
    assert page.count("<img") == 1
    assert response["Vary"] == "HX-Request, Cookie"


def test_another_users_run_is_not_found(client, other_user, sandbox):
    execution = ExecutionFactory(sandbox=sandbox)
    client.force_login(other_user)

    assert client.get(url(execution)).status_code == 404


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.get(url(ExecutionFactory(sandbox=sandbox))).status_code == 302


def test_over_htmx_its_facts_come_alone_for_a_refresh_when_it_ends(signed_in, sandbox):
    execution = ExecutionFactory(sandbox=sandbox, status="timed_out", wall_ms=60_000)

    response = signed_in.get(url(execution) + "?part=run_details", headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith("<aside")
    assert "Timed out" in page
    assert "1 min" in page


def test_the_page_says_what_started_the_run(signed_in, sandbox):
    execution = ExecutionFactory(sandbox=sandbox, source="piston")

    page = signed_in.get(url(execution)).content.decode()

    assert "Piston API" in page


def test_a_cancelled_run_says_so_once(signed_in, sandbox):
    execution = ExecutionFactory(sandbox=sandbox, status="cancelled", error="Cancelled.")

    page = signed_in.get(url(execution)).content.decode()

    assert "Cancelled." not in page
    assert page.count(">Cancelled<") == 2  # the status pill and the details' status


def test_run_again_is_disabled_while_the_run_goes_and_when_no_runs_are_left(
    signed_in, owner, sandbox
):
    running = ExecutionFactory(sandbox=sandbox, status="running")
    page = signed_in.get(url(running)).content.decode()
    assert 'id="rerun-button" disabled title="This run is still going"' in page

    done = ExecutionFactory(sandbox=sandbox)
    page = signed_in.get(url(done)).content.decode()
    assert 'id="rerun-button" title="The same files' in page

    Quota.objects.filter(user=owner).update(runs_used=50)
    part = signed_in.get(url(done) + "?part=rerun_form", headers={"HX-Request": "true"})
    html = part.content.decode().strip()
    assert html.startswith('<form method="post"')
    assert 'disabled title="You have no runs left this period."' in html


def test_the_page_shows_a_runs_resources_and_its_charge_in_vcpu_seconds(signed_in, owner, sandbox):
    execution = ExecutionFactory(
        sandbox=sandbox,
        snapshot={
            "files": {},
            "entry": "main.py",
            "packages": [],
            "env_names": [],
            "resources": {
                "vcpus": 2,
                "memory_mb": 1024,
                "disk_mb": 512,
                "max_processes": 128,
                "output_kb": 4096,
            },
        },
        wall_ms=10_200,
        compute_seconds_charged=21,
    )

    page = signed_in.get(execution.get_absolute_url()).content.decode()

    assert "2 vCPUs, 1024 MiB memory, 512 MiB disk" in page
    assert "21 vCPU-seconds of compute (its time × 2 vCPUs)" in page
