"""Suggestions while a package name is typed: names this server knows (seeded or asked for
by runs), prefix matches first, none the sandbox lists already, no network involved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.models import PackageUsage
from sandboxes.services.workspaces import sandbox_create

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("package_suggest", args=[sandbox.pk])


def suggested(page: str) -> list[str]:
    marker = 'class="suggestion-name">'
    return [part.split("<", 1)[0] for part in page.split(marker)[1:]]


@pytest.fixture
def known(db):
    PackageUsage.objects.all().delete()
    # Seeded (ranked) names are suggested to everyone; see test_package_suggestion_privacy.
    for rank, (name, count) in enumerate(
        (("pandas", 5), ("geopandas", 9), ("pandera", 1), ("numpy", 20)), start=1
    ):
        PackageUsage.objects.create(language="python", name=name, count=count, rank=rank)
    PackageUsage.objects.create(language="node", name="pandas-js", count=50, rank=1)


def test_names_starting_with_the_text_come_first_then_the_most_used(signed_in, sandbox, known):
    page = signed_in.get(url(sandbox), {"spec": "pand"}, headers=HTMX).content.decode()

    assert suggested(page) == ["pandas", "pandera", "geopandas"]
    assert "From packages used on this server." in page
    assert "Press Add to install <code>pand</code> from PyPI as typed." in page


def test_a_version_typed_after_the_name_still_finds_it(signed_in, sandbox, known):
    page = signed_in.get(url(sandbox), {"spec": "pandas==2.*"}, headers=HTMX).content.decode()

    assert suggested(page)[0] == "pandas"
    assert "as typed" not in page  # the name is on the list


def test_names_the_sandbox_already_lists_are_left_out(signed_in, sandbox, known):
    sandbox.packages = ["pandas"]
    sandbox.save()

    page = signed_in.get(url(sandbox), {"spec": "pand"}, headers=HTMX).content.decode()

    assert suggested(page) == ["pandera", "geopandas"]


def test_an_unknown_name_says_so_and_can_still_be_added_as_typed(signed_in, sandbox, known):
    page = signed_in.get(url(sandbox), {"spec": "polars"}, headers=HTMX).content.decode()

    assert suggested(page) == []
    assert "No package used on this server matches “polars”." in page
    assert "Press Add to install <code>polars</code> from PyPI as typed." in page


def test_a_node_sandbox_gets_node_names_and_npm(signed_in, owner, known):
    sandbox = sandbox_create(owner=owner, name="Web", runtime="node")

    page = signed_in.get(url(sandbox), {"spec": "pand"}, headers=HTMX).content.decode()

    assert suggested(page) == ["pandas-js"]
    assert "from npm as typed" in page


def test_nothing_typed_suggests_nothing(signed_in, sandbox, known):
    page = signed_in.get(url(sandbox), {"spec": "  "}, headers=HTMX).content.decode()

    assert page.strip() == ""


def test_without_htmx_it_opens_the_packages_panel_with_the_text(signed_in, sandbox):
    response = signed_in.get(url(sandbox), {"spec": "pandas"})

    assert response.status_code == 302
    assert response["Location"].endswith("?panel=packages&spec=pandas")


def test_another_users_sandbox_is_not_found(client, other_user, sandbox, known):
    client.force_login(other_user)

    assert client.get(url(sandbox), {"spec": "pand"}, headers=HTMX).status_code == 404


def test_staff_see_no_one_elses_sandbox_here_either(client, staff_user, sandbox, known):
    client.force_login(staff_user)

    assert client.get(url(sandbox), {"spec": "pand"}, headers=HTMX).status_code == 404


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.get(url(sandbox), {"spec": "pand"}, headers=HTMX).status_code == 302
