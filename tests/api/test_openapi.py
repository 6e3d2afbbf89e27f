"""GET /api/openapi.json, and the document kept in step with the code."""

from __future__ import annotations

import re

import pytest
import schemathesis

from api import urls as api_urls
from api.openapi import openapi
from api.run_request import FIELDS
from tests.clients import post_json, run_body
from tests.factories import ExecutionFactory

METHODS = ("get", "post", "put", "patch", "delete")


def routes() -> set[str]:
    """The API's URL conf, written as OpenAPI paths."""
    paths = set()
    for pattern in api_urls.urlpatterns:
        if pattern.name == "api_not_found":
            continue
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        paths.add(f"/api/{route}")
    return paths


def test_the_document_is_served_to_anyone(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"] == "3.1.0"


def test_it_is_an_openapi_document_schemathesis_can_read():
    schema = schemathesis.openapi.from_dict(openapi())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(item) for item in openapi()["paths"].values())


def test_every_route_is_documented_and_nothing_else():
    assert set(openapi()["paths"]) == routes()


def test_each_route_answers_exactly_the_documented_methods(api, owner):
    run = ExecutionFactory(owner=owner, files={"f.txt": b"f"})
    values = {"execution_id": str(run.pk), "path": "f.txt"}
    for path, item in openapi()["paths"].items():
        url = path.format(**values)
        answered = {
            method
            for method in METHODS
            if api.generic(method.upper(), url, "{}", content_type="application/json").status_code
            != 405
        }
        assert answered == set(item), path


def test_the_documented_run_fields_are_exactly_the_accepted_ones():
    request = openapi()["components"]["schemas"]["RunRequest"]
    assert set(request["properties"]) == FIELDS
    assert request["required"] == ["code"]
    assert request["additionalProperties"] is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("runtime", "python"),
        ("files", {"data.txt": "x"}),
        ("packages", []),
        ("env", {"A": "b"}),
        ("timeout", 1),
        ("streaming", False),
        ("network", "none"),
    ],
)
def test_each_documented_field_is_read(api, owner, field, value):
    # A body whose only flaw is an empty `code`: the documented field itself is accepted.
    response = post_json(api, "/api/sandbox", run_body("", **{field: value}))
    assert response.json()["field"] == "code"


def test_an_undocumented_field_is_refused(api):
    response = post_json(api, "/api/sandbox", run_body(language="python"))
    assert response.json()["field"] == "language"
