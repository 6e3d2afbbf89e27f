"""Removing a package from a sandbox in the packages panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("package_remove", args=[sandbox.pk])


@pytest.fixture
def with_packages(sandbox):
    sandbox.packages = ["numpy", "pandas==2.2.*"]
    sandbox.save()
    return sandbox


def test_a_package_is_removed_and_the_count_follows(signed_in, with_packages):
    page = signed_in.post(url(with_packages), {"spec": "pandas==2.2.*"}, headers=HTMX)

    html = page.content.decode()
    with_packages.refresh_from_db()
    assert with_packages.packages == ["numpy"]
    assert 'name="spec" value="pandas==2.2.*"' not in html
    assert 'name="spec" value="numpy"' in html
    assert 'hx-swap-oob="true">1 package</a>' in html


def test_removing_a_package_that_is_not_listed_changes_nothing(signed_in, with_packages):
    response = signed_in.post(url(with_packages), {"spec": "flask"}, headers=HTMX)

    assert response.status_code == 200
    with_packages.refresh_from_db()
    assert with_packages.packages == ["numpy", "pandas==2.2.*"]


def test_the_last_package_removed_leaves_the_standard_library(signed_in, sandbox):
    sandbox.packages = ["requests"]
    sandbox.save()

    page = signed_in.post(url(sandbox), {"spec": "requests"}, headers=HTMX).content.decode()

    assert "No packages: programs run with Python 3.13’s standard library." in page
    assert 'hx-swap-oob="true">0 packages</a>' in page


def test_without_htmx_it_redirects_to_the_packages_panel(signed_in, with_packages):
    response = signed_in.post(url(with_packages), {"spec": "numpy"})

    assert response.status_code == 302
    assert response["Location"].endswith("?panel=packages")
    with_packages.refresh_from_db()
    assert with_packages.packages == ["pandas==2.2.*"]


def test_another_users_sandbox_is_not_found(client, other_user, with_packages):
    client.force_login(other_user)

    assert client.post(url(with_packages), {"spec": "numpy"}).status_code == 404
    with_packages.refresh_from_db()
    assert with_packages.packages == ["numpy", "pandas==2.2.*"]


def test_staff_cannot_change_someone_elses_sandbox_here_either(client, staff_user, with_packages):
    client.force_login(staff_user)

    assert client.post(url(with_packages), {"spec": "numpy"}).status_code == 404
    with_packages.refresh_from_db()
    assert with_packages.packages == ["numpy", "pandas==2.2.*"]


def test_it_needs_a_signed_in_user(client, with_packages):
    assert client.post(url(with_packages), {"spec": "numpy"}).status_code == 302
