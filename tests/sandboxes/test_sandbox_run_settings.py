"""The editor's Input panel: arguments and stdin text, saved with the sandbox and
recorded in each run's snapshot (a re-run uses them)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.limits import MAX_STDIN_BYTES
from sandboxes.models import Execution

pytestmark = pytest.mark.django_db


def url(sandbox) -> str:
    return reverse("sandbox_run_settings", args=[sandbox.pk])


def test_saved_arguments_and_stdin_go_with_the_next_run_and_its_rerun(signed_in, sandbox):
    response = signed_in.post(
        url(sandbox),
        {"args": '--name "Ada Lovelace" -v', "stdin": "1\r\n2\r\n"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "the next run uses these" in response.content.decode()
    sandbox.refresh_from_db()
    assert sandbox.run_args == ["--name", "Ada Lovelace", "-v"]
    assert sandbox.run_stdin == "1\n2\n"

    signed_in.post(reverse("sandbox_run", args=[sandbox.pk]))
    first = Execution.objects.get()
    assert first.snapshot["args"] == ["--name", "Ada Lovelace", "-v"]
    assert first.snapshot["stdin"] == "1\n2\n"
    assert first.snapshot["interactive"] is False  # stdin given up front: EOF after it

    signed_in.post(url(sandbox), {"args": "", "stdin": ""})
    signed_in.post(reverse("run_rerun", args=[first.pk]))
    again = Execution.objects.exclude(pk=first.pk).get()
    assert again.snapshot["args"] == ["--name", "Ada Lovelace", "-v"]
    assert again.snapshot["stdin"] == "1\n2\n"


def test_without_stdin_text_a_run_from_the_editor_is_interactive(signed_in, sandbox):
    signed_in.post(reverse("sandbox_run", args=[sandbox.pk]))

    assert Execution.objects.get().snapshot["interactive"] is True


def test_the_panel_shows_what_is_saved(signed_in, sandbox):
    signed_in.post(url(sandbox), {"args": "a 'b c'", "stdin": "typed ahead"})

    page = signed_in.get(reverse("sandbox_editor", args=[sandbox.pk]) + "?panel=input")

    html = page.content.decode()
    assert 'value="a &#x27;b c&#x27;"' in html
    assert ">typed ahead</textarea>" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"args": 'unclosed "quote', "stdin": ""}, "close your quotes"),
        ({"args": "", "stdin": "x" * (MAX_STDIN_BYTES + 1)}, "limited to 1,048,576 bytes"),
    ],
)
def test_bad_settings_are_refused_next_to_their_field_and_nothing_is_saved(
    signed_in, sandbox, fields, message
):
    response = signed_in.post(url(sandbox), fields, HTTP_HX_REQUEST="true")

    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    sandbox.refresh_from_db()
    assert (sandbox.run_args, sandbox.run_stdin) == ([], "")


def test_another_user_cannot_change_them(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.post(url(sandbox), {"args": "x", "stdin": ""}).status_code == 404


def test_saved_vcpus_and_memory_go_with_the_next_run(signed_in, sandbox, owner, tier):
    owner.quota.tier = tier("pro")
    owner.quota.save()

    response = signed_in.post(
        url(sandbox), {"args": "", "stdin": "", "vcpus": "2", "memory_mb": "1024"}
    )

    assert response.status_code == 302
    sandbox.refresh_from_db()
    assert (sandbox.run_vcpus, sandbox.run_memory_mb) == (2, 1024)
    signed_in.post(reverse("sandbox_run", args=[sandbox.pk]))
    resources = Execution.objects.get().snapshot["resources"]
    assert (resources["vcpus"], resources["memory_mb"]) == (2, 1024)


def test_empty_resources_are_the_tiers_defaults(signed_in, sandbox):
    signed_in.post(url(sandbox), {"args": "", "stdin": "", "vcpus": "", "memory_mb": ""})

    signed_in.post(reverse("sandbox_run", args=[sandbox.pk]))
    resources = Execution.objects.get().snapshot["resources"]
    assert (resources["vcpus"], resources["memory_mb"]) == (1, 256)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"vcpus": "2"}, "Your Free tier&#x27;s runs may use at most 1 vCPU; this run asks for 2."),
        ({"memory_mb": "4096"}, "at most 512 MiB of memory; this run asks for 4096 MiB."),
        ({"vcpus": "two"}, "vCPUs is a whole number."),
    ],
)
def test_resources_over_the_tier_are_refused_beside_their_field(
    signed_in, sandbox, fields, message
):
    response = signed_in.post(
        url(sandbox), {"args": "", "stdin": "", **fields}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    sandbox.refresh_from_db()
    assert (sandbox.run_vcpus, sandbox.run_memory_mb) == (None, None)


def test_the_panel_says_what_the_tier_allows(signed_in, sandbox):
    page = signed_in.get(sandbox.get_absolute_url()).content.decode()

    assert 'name="vcpus" min="1" max="1"' in page
    assert "at most 1 vCPU and 512 MiB" in page
