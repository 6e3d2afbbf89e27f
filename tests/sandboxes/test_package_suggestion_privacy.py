"""Package suggestions never reveal what one user asked for to the others: a name is
suggested to everyone only when it is one of the seeded popular packages or when enough
different users have run it; a user's own names are always suggested to them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandboxes.models import PackageUsage
from sandboxes.runs.start import execution_start
from sandboxes.selectors import SHARED_AFTER_USERS
from sandboxes.services.packages import package_usage_record
from sandboxes.services.workspaces import sandbox_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PRIVATE = "acme-internal-billing"


def run_with(user, *packages: str) -> None:
    execution_start(
        user=user, runtime="python", files={"main.py": b"print(1)\n"}, entry="main.py",
        packages=list(packages),
    )  # fmt: skip


def suggested(client, sandbox, typed: str) -> list[str]:
    page = client.get(
        reverse("package_suggest", args=[sandbox.pk]), {"spec": typed}, headers=HTMX
    ).content.decode()
    marker = 'class="suggestion-name">'
    return [part.split("<", 1)[0] for part in page.split(marker)[1:]]


def popular_on_editor(client, sandbox) -> str:
    return client.get(sandbox.get_absolute_url(), {"panel": "packages"}).content.decode()


@pytest.fixture
def others_sandbox(other_user):
    return sandbox_create(owner=other_user, name="Theirs", runtime="python")


def test_a_name_only_one_user_ran_is_not_suggested_to_anyone_else(
    client, owner, other_user, others_sandbox, fresh_dispatcher
):
    run_with(owner, PRIVATE)
    client.force_login(other_user)

    assert PRIVATE not in suggested(client, others_sandbox, "acme")
    assert PRIVATE not in suggested(client, others_sandbox, "a")
    assert PRIVATE not in popular_on_editor(client, others_sandbox)


def test_a_users_own_names_are_suggested_to_them(signed_in, owner, sandbox, fresh_dispatcher):
    run_with(owner, PRIVATE)

    assert suggested(signed_in, sandbox, "acme") == [PRIVATE]
    assert PRIVATE in popular_on_editor(signed_in, sandbox)


def test_a_name_enough_different_users_ran_is_suggested_to_everyone(
    client, other_user, others_sandbox
):
    users = [UserFactory() for _ in range(SHARED_AFTER_USERS)]
    for user in users[:-1]:
        package_usage_record(user=user, runtime="python3.13", packages=["polars"])
    for _ in range(5):  # one user's many runs are still one user
        package_usage_record(user=users[0], runtime="python3.13", packages=["polars"])
    client.force_login(other_user)
    assert "polars" not in suggested(client, others_sandbox, "pol")

    package_usage_record(user=users[-1], runtime="python3.13", packages=["polars"])

    assert suggested(client, others_sandbox, "pol") == ["polars"]


def test_the_seeded_popular_names_are_suggested_to_everyone(client, other_user, others_sandbox):
    PackageUsage.objects.update_or_create(language="python", name="numpy", defaults={"rank": 1})
    client.force_login(other_user)

    assert suggested(client, others_sandbox, "num") == ["numpy"]
