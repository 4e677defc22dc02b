"""The served OpenAPI document is the partner contract: valid OpenAPI 3.1 (checked by
openapi-spec-validator, an independent implementation of the specification), every
operation documents its errors with the one error shape, and the error bodies the product
really sends match that shape."""

from __future__ import annotations

import json

import jsonschema
import pytest
from django.test import Client
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def document() -> dict:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_the_served_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    errors = [str(e.message) for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []
    validate(document)


def test_every_operation_documents_its_errors_with_the_one_shape(document):
    missing = []
    for path, method, operation in operations(document):
        responses = operation["responses"]
        expected = {"429", "503"}
        if operation.get("requestBody") or operation.get("parameters"):
            expected |= {"400", "422"}
        if any(operation.get("security", [])):
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if operation.get("requestBody"):
            expected |= {"413", "415"}
        for status in sorted(expected - set(responses)):
            missing.append(f"{method.upper()} {path}: {status}")
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, f"{method.upper()} {path} {status}"
    assert missing == []
    assert document["paths"]["/api/v1/queue/"]["get"]["responses"]["429"]["headers"]["Retry-After"]


def test_error_bodies_the_product_sends_match_the_documented_shape(document, db):
    error_schema = document["components"]["schemas"]["Error"]
    client = Client()
    bodies = [
        client.get("/api/v1/queue/"),  # 401
        client.post("/api/v1/complaints/", "{not json", content_type="application/json"),  # 400
        client.post("/api/v1/complaints/", {"relationship": "cousin"}, content_type="application/json"),  # 400
        client.get("/api/v1/transparency/?from=2026-05-01&to=2026-04-01"),  # 422
        client.get("/api/v1/transparency.csv?from=2026-05-01&to=2026-04-01"),  # 422, JSON all the same
        client.post("/api/v1/complaints/", "x", content_type="text/plain"),  # 415
        client.get("/api/v1/track/" + "a" * 43 + "/"),  # 404
    ]
    statuses = []
    for response in bodies:
        assert response["Content-Type"].startswith("application/json"), response.content
        jsonschema.validate(json.loads(response.content), error_schema)
        statuses.append(response.status_code)
    assert statuses == [401, 400, 400, 422, 422, 415, 404]
    refused = json.loads(bodies[3].content)["error"]
    assert refused["code"] == "unprocessable" and "from" in refused["fields"]


def test_a_405_names_the_methods_allowed(db):
    response = Client().delete("/api/v1/screen/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    response = Client().delete("/api/v1/complaints/")
    assert response.status_code == 405 and "POST" in response["Allow"]
