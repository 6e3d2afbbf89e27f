"""POST /api/sandbox refuses bad input with a 400 naming the field, before anything runs."""

from __future__ import annotations

import pytest
from django.test import Client

from sandboxes.limits import MAX_FILE_BYTES, MAX_FILES
from sandboxes.models import Execution
from tests.clients import bearer, post_json, run_body, token_for
from tests.factories import TierFactory, UserFactory

URL = "/api/sandbox"


def refused(response, field: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field
    return body["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"runtime": "ruby", "code": "puts 1"}, "runtime"),
        ({"runtime": "", "code": "print(1)"}, "runtime"),
        ({"runtime": 3, "code": "print(1)"}, "runtime"),
        ({}, "code"),
        ({"code": ""}, "code"),
        ({"code": "   \n"}, "code"),
        ({"code": 42}, "code"),
        (run_body(files={"/etc/passwd": "x"}), "files"),
        (run_body(files={"../escape.py": "x"}), "files"),
        (run_body(files={"data/../../x": "x"}), "files"),
        (run_body(files={"main.py": "x"}), "files"),  # the entry file is `code`
        (run_body(files={"a.txt": 1}), "files"),
        (run_body(files=["a.txt"]), "files"),
        (run_body(packages=["requests; rm -rf /"]), "packages"),
        (run_body(packages=["--index-url=http://evil"]), "packages"),
        (run_body(packages=["https://example.com/x.whl"]), "packages"),
        (run_body(packages="pandas"), "packages"),
        (run_body(packages=[3]), "packages"),
        (run_body(packages=["x" * 201]), "packages"),
        (run_body(env={"1BAD": "x"}), "env"),
        (run_body(env={"OK": 1}), "env"),
        (run_body(env={"OK": "a\0b"}), "env"),
        (run_body(streaming="yes"), "streaming"),
        (run_body(timeout=0), "timeout"),
        (run_body(timeout=2.5), "timeout"),
        (run_body(timeout="10"), "timeout"),
        (run_body(timeout=True), "timeout"),
        (run_body(timeout_seconds=10), "timeout_seconds"),  # unknown fields are typos
    ],
)
def test_it_names_the_field_at_fault(api, owner, body, field):
    refused(post_json(api, URL, body), field)
    assert not Execution.objects.filter(owner=owner).exists()


def test_a_body_that_is_not_json_is_refused(api):
    assert "JSON" in refused(post_json(api, URL, "{not json"), "body")
    assert refused(post_json(api, URL, "[1, 2]"), "body")
    assert refused(post_json(api, URL, b"\xff\xfe"), "body")


def test_json_nested_too_deep_to_parse_is_refused_not_a_server_error(api):
    nested = '{"code": "print(1)", "files": ' + "[" * 100_000 + "]" * 100_000 + "}"

    assert "JSON" in refused(post_json(api, URL, nested), "body")


def test_text_that_is_not_unicode_is_refused(api):
    refused(post_json(api, URL, '{"code": "print(1) \\ud800"}'), "code")
    refused(post_json(api, URL, '{"code": "1", "files": {"\\ud800": "x"}}'), "files")


def test_too_many_files_are_refused(api):
    files = {f"f{i}.txt": "x" for i in range(MAX_FILES)}
    assert f"{MAX_FILES - 1}" in refused(post_json(api, URL, run_body(files=files)), "files")


def test_a_file_over_the_size_limit_is_refused(api):
    body = run_body(files={"big.txt": "x" * (MAX_FILE_BYTES + 1)})
    refused(post_json(api, URL, body), "files")
    refused(post_json(api, URL, run_body("#" * (MAX_FILE_BYTES + 1))), "code")


def test_a_timeout_over_the_tiers_longest_run_is_refused(api, owner):
    longest = owner.quota.tier.max_run_seconds
    message = refused(post_json(api, URL, run_body(timeout=longest + 1)), "timeout")
    assert str(longest) in message


def test_a_timeout_over_the_compute_time_left_is_refused(db):
    user = UserFactory(tier=TierFactory(compute_seconds=100, max_run_seconds=600))
    client = Client(headers=bearer(token_for(user)))
    response = post_json(client, URL, run_body(timeout=101))
    assert "100 s" in refused(response, "timeout")


def test_a_body_over_the_size_limit_is_a_413(api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = post_json(api, URL, run_body("x = 1\n" * 200))
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["error"]


def test_only_post_is_allowed(api):
    response = api.get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "error" in response.json()
