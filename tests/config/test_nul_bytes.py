"""A NUL byte in a request's path, query or form is a 400, not a server error (PostgreSQL
text cannot hold one, so every lookup with it raised DataError: a 500 and a traceback)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.services.tokens import api_token_create

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_a_nul_in_the_query_is_refused(signed_in, sandbox):
    suggest = reverse("package_suggest", args=[sandbox.pk])
    download = reverse("file_download", args=[sandbox.pk])

    assert signed_in.get(suggest, {"spec": "pa\x00"}, headers=HTMX).status_code == 400
    assert signed_in.get(download, {"path": "main.py\x00"}).status_code == 400


def test_a_nul_in_a_posted_form_is_refused(signed_in, sandbox):
    response = signed_in.post(reverse("variable_delete", args=[sandbox.pk]), {"name": "A\x00"})

    assert response.status_code == 400


def test_a_nul_in_an_api_path_is_a_json_400(client, owner):
    secret = api_token_create(user=owner, name="t").secret
    url = "/api/executions/6c0f7a1e-0000-4000-8000-000000000001/files/a%00.txt"

    response = client.get(url, headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 400
    assert "error" in response.json()


def test_ordinary_requests_pass(signed_in, sandbox):
    download = reverse("file_download", args=[sandbox.pk])

    assert signed_in.get(download, {"path": "main.py"}).status_code == 200
