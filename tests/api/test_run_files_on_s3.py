"""End to end on an S3-compatible server (moto's standalone server, a real HTTP service):
a run's produced file goes to the bucket, not the database, and downloads from there."""

from __future__ import annotations

import json

import pytest

from blobs.contents import content_name
from sandboxes.models import ExecutionFile

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
]

PROGRAM = "open('out.bin', 'wb').write(bytes(range(256)) * 2048)\nprint('written')\n"


async def test_a_produced_file_is_stored_in_the_bucket_and_downloads_from_it(
    blobs_on_s3, live_dispatcher, async_api
):
    answer = await async_api.post(
        "/api/sandbox",
        json.dumps({"code": PROGRAM, "timeout": 20}),
        content_type="application/json",
    )
    result = answer.json()
    assert result["status"] == "succeeded", result

    file = await ExecutionFile.objects.aget(execution_id=result["executionId"], path="out.bin")
    assert file.content is None
    assert f"contents/{content_name(file.blob_id)}" in blobs_on_s3.object_names()

    response = await async_api.get(f"/api/executions/{result['executionId']}/files/out.bin")
    assert response.status_code == 200
    assert response["Content-Length"] == str(256 * 2048)
    body = b"".join([block async for block in aiter(response)])
    assert body == bytes(range(256)) * 2048
