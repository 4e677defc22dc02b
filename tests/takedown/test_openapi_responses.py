"""Every success response of the API documents its body exactly: a schema for each 2xx
response, and no free-form object (no properties, anything allowed) where the shape is
known. The few places whose shape is not fixed are listed below, each with its reason."""

from __future__ import annotations

from typing import Any

from tests.openapi import served_document

METHODS = {"get", "post", "put", "patch", "delete"}
COMPOSITES = ("anyOf", "oneOf", "allOf")

# (operation, where in its 2xx body): why no fixed shape can be documented there.
FREE_FORM = {
    ("GET /api/v1/cases/{reference}/", "$.history[].details"):
        "an audit event's details: each event code records its own keys, as the audit log holds them",
    ("GET /api/v1/legal-requests/{id}/cases/{reference}/", "$.events[].details"):
        "an audit event's details: each event code records its own keys, as the audit log holds them",
    ("GET /api/v1/referrals/{referral_id}", "$.package"):
        "the package exactly as stored and sent to the authority (its digest is package_sha256); "
        "packages of earlier formats keep their own shape",
}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def free_form_places(schema: dict, components: dict, where: str = "$", seen: frozenset = frozenset()) -> list[str]:
    """The places in ``schema`` that allow any object (or any value) without naming its properties."""
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            return []
        seen = seen | {ref}
    node = _resolve(schema, components)
    found: list[str] = []
    for key in COMPOSITES:
        for option in node.get(key, []):
            found += free_form_places(option, components, where, seen)
    kind = node.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    untyped = kind is None and not any(k in node for k in (*COMPOSITES, "enum", "const"))
    if "object" in kinds or untyped:
        properties = node.get("properties") or {}
        extra: Any = node.get("additionalProperties")
        if not properties and extra in (None, True, {}):
            found.append(where)
        for name, child in properties.items():
            found += free_form_places(child, components, f"{where}.{name}", seen)
        if isinstance(extra, dict) and extra:
            found += free_form_places(extra, components, f"{where}[*]", seen)
    if "array" in kinds or "items" in node:
        found += free_form_places(node.get("items", {}), components, f"{where}[]", seen)
    return found


def success_bodies(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    yield f"{method.upper()} {path}", status, response


def test_every_success_response_documents_a_body():
    missing = []
    for operation, status, response in success_bodies(served_document()):
        content = response.get("content") or {}
        if status != "204" and (not content or any("schema" not in body for body in content.values())):
            missing.append(f"{operation} {status}")
    assert missing == []


def test_no_success_body_is_a_free_form_object_where_the_shape_is_known():
    document = served_document()
    components = document["components"]["schemas"]
    found = set()
    for operation, _status, response in success_bodies(document):
        for body in (response.get("content") or {}).values():
            found |= {(operation, where) for where in free_form_places(body.get("schema", {}), components)}
    assert sorted(found - set(FREE_FORM)) == []
    # Each exception is still needed: a place given a shape leaves this list.
    assert sorted(set(FREE_FORM) - found) == []


def test_the_walk_finds_free_form_objects():
    components = {"Loose": {"type": "object", "additionalProperties": {}}, "Tight": {
        "type": "object", "properties": {"a": {"type": "integer"}, "b": {"$ref": "#/components/schemas/Loose"}}}}
    assert free_form_places({"$ref": "#/components/schemas/Tight"}, components) == ["$.b"]
    assert free_form_places({"type": "array", "items": {}}, components) == ["$[]"]
    assert free_form_places({"type": "object", "additionalProperties": {"type": "integer"}}, components) == []
    assert free_form_places({"anyOf": [{"type": "string"}, {"type": "null"}]}, components) == []
