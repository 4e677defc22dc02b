"""The served OpenAPI document, and a check that a real response body matches what it documents."""

from __future__ import annotations

import functools
import json

import jsonschema
from django.test import Client


@functools.cache
def served_document() -> dict:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def assert_documented(response, path: str, method: str = "get") -> None:
    """``response`` (a test client's) has the status and body ``path`` documents for ``method``."""
    document = served_document()
    documented = document["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, f"{method.upper()} {path}: {response.status_code} undocumented"
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": document["components"]})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())]
    assert errors == [], f"{method.upper()} {path}: {errors}"
