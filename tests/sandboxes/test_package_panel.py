"""The packages panel on the editor page: what is listed, whether its environment is built
(with the versions it resolved to), the last install failure, and the popular names."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sandboxes.engine import EngineUnavailable
from sandboxes.engine.packages.store import Store
from sandboxes.engine_config import get_engine
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

UV_NOT_FOUND = (
    "Could not install the packages (no-such-package-4242, requests) for Python 3.13: "
    "the installer reported an error.\n"
    "  × No solution found when resolving dependencies:\n"
    "  ╰─▶ Because no-such-package-4242 was not found in the package registry and you\n"
    "      require no-such-package-4242, we can conclude that your requirements are\n"
    "      unsatisfiable.\n"
)


def part(client, sandbox, name: str) -> str:
    url = reverse("sandbox_editor", args=[sandbox.pk]) + f"?part={name}"
    return client.get(url, headers=HTMX).content.decode()


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    """A package cache of this test's own (the engine's is shared with real runs)."""
    engine = get_engine()
    engine.prepare()
    store = Store(tmp_path)
    monkeypatch.setattr(engine.packages, "store", store)
    return store


def build(store: Store, sandbox, specs: tuple[str, ...], installed: list[str]) -> None:
    engine = get_engine()
    key = engine.packages.key(engine.runtimes.get(sandbox.runtime), specs)
    (store.root / key).mkdir()
    manifest = {"packages": list(specs), "installed": installed, "size": 5_000_000}
    manifest["built_at"] = "2026-11-29T12:00:00+00:00"
    (store.root / key / "manifest.json").write_text(json.dumps(manifest))


def test_packages_not_built_yet_are_installed_by_the_next_run(signed_in, sandbox, store):
    sandbox.packages = ["requests"]
    sandbox.save()

    page = part(signed_in, sandbox, "package_status")

    assert "Not installed yet" in page
    assert "The next run installs these while it is <em>preparing</em>" in page


def test_a_built_environment_shows_the_versions_it_resolved_to(signed_in, sandbox, store):
    sandbox.packages = ["pandas==2.2.*", "requests"]
    sandbox.save()
    build(
        store,
        sandbox,
        ("pandas==2.2.*", "requests"),
        ["certifi==2024.8.30", "pandas==2.2.3", "requests==2.32.3", "charset_normalizer==3.4.0"],
    )

    page = part(signed_in, sandbox, "package_status")

    assert ">Ready</span>" in page
    assert (
        '<code class="package-name">pandas</code><code class="package-constraint">==2.2.*' in page
    )
    assert '<span class="package-version" title="Installed version">2.2.3</span>' in page
    assert '<span class="package-version" title="Installed version">2.32.3</span>' in page
    assert "runs start without installing" in page
    assert "(4.8\xa0MB, built " in page
    assert "and 2 dependencies" in page
    assert "<code>certifi 2024.8.30</code>" in page
    assert "<code>charset-normalizer 3.4.0</code>" in page


def test_without_a_working_engine_nothing_is_claimed_about_the_cache(
    signed_in, sandbox, monkeypatch
):
    def unavailable():
        raise EngineUnavailable("bwrap is missing")

    monkeypatch.setattr(get_engine(), "prepare", unavailable)
    sandbox.packages = ["requests"]
    sandbox.save()

    page = part(signed_in, sandbox, "package_status")

    assert "Installed when a run needs them." in page
    assert "Ready" not in page
    assert "Not installed yet" not in page


def test_a_run_preparing_now_is_said_to_be_installing(signed_in, sandbox, store):
    sandbox.packages = ["requests"]
    sandbox.save()
    ExecutionFactory(sandbox=sandbox, status="preparing")

    page = part(signed_in, sandbox, "package_status")

    assert "Installing…" in page
    assert "A run is installing them now" in page


def test_the_last_install_failure_is_shown_in_the_installers_words(signed_in, sandbox, store):
    sandbox.packages = ["no-such-package-4242", "requests"]
    sandbox.save()
    failed = ExecutionFactory(
        sandbox=sandbox, status="install_failed", wall_ms=900, error=UV_NOT_FOUND
    )
    failed.snapshot["packages"] = list(sandbox.packages)
    failed.save()

    page = part(signed_in, sandbox, "package_status")

    assert "The last run could not install its packages" in page
    assert "points at <code>no-such-package-4242</code>." in page
    assert "was not found in the package registry" in page
    assert "Install failed</span>" in page
    assert "Change or remove the package, then run again." in page
    assert failed.get_absolute_url() in page


def test_a_failure_naming_no_package_is_told_in_its_summary(signed_in, sandbox, store):
    sandbox.packages = ["requests"]
    sandbox.save()
    summary = (
        "Could not install the packages (requests) for Python 3.13: the install took too long."
    )
    ExecutionFactory(sandbox=sandbox, status="install_failed", error=summary + "\n")

    page = part(signed_in, sandbox, "package_status")

    assert summary in page
    assert "points at" not in page
    assert "install-log" not in page


def test_a_failure_of_a_list_changed_since_says_the_next_run_tries_again(signed_in, sandbox, store):
    failed = ExecutionFactory(sandbox=sandbox, status="install_failed", error=UV_NOT_FOUND)
    failed.snapshot["packages"] = ["no-such-package-4242", "requests"]
    failed.save()
    sandbox.packages = ["requests"]
    sandbox.save()

    page = part(signed_in, sandbox, "package_status")

    assert "The list has changed since: the next run installs it afresh." in page
    assert "Not installed yet" in page


def test_a_successful_run_after_a_failure_hides_it(signed_in, sandbox, store):
    ExecutionFactory(sandbox=sandbox, status="install_failed", error=UV_NOT_FOUND)
    ExecutionFactory(sandbox=sandbox)

    assert "could not install" not in part(signed_in, sandbox, "package_status")


def test_the_popular_names_leave_out_those_already_added(signed_in, sandbox, store):
    sandbox.packages = ["numpy"]
    sandbox.save()

    page = part(signed_in, sandbox, "packages_panel")

    assert 'aria-label="Add pandas"' in page
    assert 'aria-label="Add numpy"' not in page
    assert "Popular for Python" in page


def test_the_panel_and_its_status_are_the_owners_only(client, other_user, staff_user, sandbox):
    for user in (other_user, staff_user):
        client.force_login(user)
        assert "package" not in part(client, sandbox, "packages_panel").lower()
        url = reverse("sandbox_editor", args=[sandbox.pk]) + "?part=package_status"
        assert client.get(url, headers=HTMX).status_code == 404
