"""Judge0 CE's reference endpoints: /about, /config_info, /statuses, /languages."""

from __future__ import annotations

import pytest
from django.test import Client

from sandboxes.engine_config import get_engine


def test_about_says_which_judge0_api_version_it_follows(judge0):
    response = judge0.get("/judge0/about")

    assert response.status_code == 200
    assert response.json()["version"] == "1.13.1"


def test_config_info_gives_the_callers_tier_limits(judge0, owner):

    config = judge0.get("/judge0/config_info").json()

    assert config["max_wall_time_limit"] == owner.quota.tier.max_run_seconds
    tier = owner.quota.tier
    assert config["memory_limit"] == tier.memory_mb_default * 1024  # a run's own default
    assert config["max_memory_limit"] == tier.memory_mb_max * 1024  # what one may ask for
    assert config["enable_batched_submissions"] is True
    assert config["enable_network"] is False


def test_statuses_are_judge0s_fourteen(judge0):
    statuses = judge0.get("/judge0/statuses").json()

    assert len(statuses) == 14
    assert statuses[2] == {"id": 3, "description": "Accepted"}
    assert statuses[4] == {"id": 5, "description": "Time Limit Exceeded"}


@pytest.mark.sandbox
def test_languages_use_judge0_ids_with_the_versions_that_really_run(judge0):
    languages = {entry["id"]: entry["name"] for entry in judge0.get("/judge0/languages").json()}

    runtimes = get_engine().runtimes.runtimes.values()
    newest_python = max(
        (r for r in runtimes if r.language == "python"),
        key=lambda r: tuple(map(int, r.version.split("."))),
    )
    assert languages[71] == f"Python ({newest_python.version})"
    assert languages[63].startswith("JavaScript (Node.js ")
    assert languages[74].startswith("TypeScript (Node.js ")
    detail = judge0.get("/judge0/languages/71").json()
    assert (detail["id"], detail["source_file"], detail["compile_cmd"]) == (71, "main.py", None)


@pytest.mark.sandbox
def test_an_unknown_language_is_a_404(judge0):
    assert judge0.get("/judge0/languages/62").status_code == 404  # Java: not here


def test_every_endpoint_needs_an_x_auth_token(db):
    response = Client().get("/judge0/languages")

    assert response.status_code == 401
    assert "X-Auth-Token" in response.json()["error"]


def test_a_bearer_header_is_not_judge0s_way(owner_token):
    client = Client(headers={"Authorization": f"Bearer {owner_token}"})

    assert client.get("/judge0/statuses").status_code == 401
