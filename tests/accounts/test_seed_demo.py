from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from accounts.models import User
from quotas.selectors import quota_get


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_a_demo_user_and_an_operator_with_printed_passwords(data_dir, client):
    printed = seed()
    logins = json.loads((data_dir / "demo-credentials.json").read_text())
    assert f"demo   password: {logins['demo']}" in printed
    signed_in = client.post("/account/login/", {"username": "demo", "password": logins["demo"]})
    assert signed_in.status_code == 302
    assert not User.objects.get(username="demo").is_staff
    assert User.objects.get(username="admin").is_superuser
    assert quota_get(user=User.objects.get(username="demo")).tier.name == "free"


@pytest.mark.django_db
def test_running_it_again_keeps_the_same_passwords(data_dir):
    first = seed()
    assert seed() == first
    assert User.objects.filter(username__in=["demo", "admin"]).count() == 2


@pytest.mark.django_db
def test_the_credentials_file_is_private(data_dir):
    seed()
    assert (data_dir / "demo-credentials.json").stat().st_mode & 0o077 == 0
