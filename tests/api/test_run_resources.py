"""POST /api/sandbox takes `vcpus` and `memoryMb`: within the tier they are the run's,
recorded with it; over the tier, or not whole numbers, they are a 400 naming the field."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from api.run_request import run_request_parse
from api.services.runs import api_run_start
from sandboxes.models import Execution
from tests.clients import async_client_for, post_json, run_body, token_for
from tests.factories import UserFactory

URL = "/api/sandbox"


def refused(response, field: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field
    return body["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"vcpus": 2}, "vcpus", "at most 1 vCPU; this run asks for 2"),
        ({"memoryMb": 1024}, "memoryMb", "at most 512 MiB of memory; this run asks for 1024"),
        ({"vcpus": 0}, "vcpus", "at least 1"),
        ({"vcpus": "2"}, "vcpus", "whole number"),
        ({"vcpus": 1.5}, "vcpus", "whole number"),
        ({"vcpus": True}, "vcpus", "whole number"),
        ({"memoryMb": 8}, "memoryMb", "at least 16"),
        ({"memoryMb": [256]}, "memoryMb", "whole number"),
    ],
)
def test_a_request_over_the_tier_or_not_a_whole_number_is_a_400_naming_it(
    api, owner, fields, field, words
):
    message = refused(post_json(api, URL, run_body(**fields)), field)

    assert words in message
    assert not Execution.objects.exclude(status=Execution.Status.REJECTED).exists()


@pytest.mark.django_db
def test_the_free_tiers_message_names_the_tier(api):
    message = refused(post_json(api, URL, run_body(vcpus=4)), "vcpus")

    assert message == "Your Free tier's runs may use at most 1 vCPU; this run asks for 4."


@pytest.mark.django_db
def test_within_the_tier_the_run_records_what_it_asked_for(tier):
    user = UserFactory(username="pro-user", tier=tier("pro"))
    body = json.dumps(run_body(vcpus=2, memoryMb=1536)).encode()

    execution = api_run_start(user=user, run=run_request_parse(body))

    assert execution.snapshot["resources"]["vcpus"] == 2
    assert execution.snapshot["resources"]["memory_mb"] == 1536


@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
async def test_memory_over_the_request_ends_the_run_as_out_of_memory(live_dispatcher, async_api):
    hog = "blocks = []\nwhile True:\n    blocks.append(bytearray(8 * 1024 * 1024))\n"

    response = await async_api.post(
        URL, json.dumps(run_body(hog, memoryMb=64)), content_type="application/json"
    )

    result = response.json()
    assert response.status_code == 200, result
    assert result["status"] == "oom_killed"
    assert result["memoryMb"] == 64
    assert result["peakMemoryBytes"] <= 64 * 1024 * 1024


@pytest.mark.sandbox
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
async def test_a_two_vcpu_run_reports_two_cpus_to_its_program(live_dispatcher, tier):
    user = await sync_to_async(UserFactory)(
        username="pro-user", tier=await sync_to_async(tier)("pro")
    )
    client = async_client_for(await sync_to_async(token_for)(user))
    code = "import os\nprint(os.cpu_count(), os.process_cpu_count())\n"

    response = await client.post(
        URL, json.dumps(run_body(code, vcpus=2)), content_type="application/json"
    )

    result = response.json()
    assert response.status_code == 200, result
    assert (result["status"], result["stdout"], result["vcpus"]) == ("succeeded", "2 2\n", 2)
