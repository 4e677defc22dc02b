"""The one error shape in the OpenAPI document.

``add_error_responses`` is a drf-spectacular post-processing hook: every operation gets
the error responses it can give, each with the ``Error`` schema (``takedown.exceptions``
builds every such body). Which statuses an operation documents follows from what the
handler and middleware do for it:

- 400: a parameter or body does not match the schema (or cannot be read);
- 422: it matches the schema, but its values do not fit together or the records (a period
  that ends before it starts, a tree size beyond the log, a field a kind requires);
- 401 and 403: it accepts a token or session (a missing or bad one, or a role that may not);
- 404: its path or body names something that may not exist (a case, a decision, a link);
- 409: it changes state, and the state may not allow it (already decided, held, ...);
- 413 and 415: it takes a body (too large, or not a type it reads);
- 429: every operation is rate limited (per address, or per token);
- 503: the database went away mid-request (safe to retry).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

ERROR_COMPONENT = "Error"
WRITE_METHODS = {"post", "put", "patch", "delete"}
DESCRIPTIONS = {
    400: "Invalid request: `fields` names each invalid field.",
    401: "No valid token or session.",
    403: "This account (or this link) may not do this.",
    404: "Not found.",
    409: "The current state does not allow this.",
    413: "The request body is too large.",
    415: "The body's media type or a file's type is not accepted.",
    422: "Well formed, but the values do not fit together or the records: `fields` says which.",
    429: "Too many requests: wait `Retry-After` seconds.",
    503: "Briefly unavailable: retry after `Retry-After` seconds.",
}
HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Token`"}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    503: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`, `not_found`.")
    message = serializers.CharField(help_text="A sentence for people, in the request's language.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Per invalid field, its messages (a list, or an object for a nested field); empty otherwise.",
    )


class ErrorSerializer(serializers.Serializer):
    """``{"error": {"code", "message", "fields"}}``: the body of every API error."""

    error = ErrorDetail()


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    statuses = [429, 503]
    takes_body = "requestBody" in operation
    if takes_body or operation.get("parameters"):
        statuses += [400, 422]
    if any(requirement for requirement in operation.get("security", [])):
        statuses += [401, 403]
    if "{" in path or takes_body:
        statuses.append(404)
    if method in WRITE_METHODS:
        statuses.append(409)
    if takes_body:
        statuses += [413, 415]
    return sorted(statuses)


def _nullable_formats(node: Any) -> None:
    """``{"type": ["string", "null"], "format": F}`` as ``anyOf`` a formatted string or null:
    the same values, in a form generators read without dropping the format."""
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(kind, list) and set(kind) == {"string", "null"} and "format" in node:
            string = {k: v for k, v in node.items() if k not in {"type", "description", "readOnly", "writeOnly"}}
            for key in [*string, "type"]:
                node.pop(key)
            node["anyOf"] = [{"type": "string", **string}, {"type": "null"}]
        for value in node.values():
            _nullable_formats(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_formats(value)


# DRF's text fields refuse a NUL character (ProhibitNullCharactersValidator): the schema
# says so, for every free-text string a client sends.
NO_NUL = "^[^\\u0000]*$"


def _no_nul(node: Any) -> None:
    """Give each plain string property of a request body the pattern that excludes NUL."""
    if not isinstance(node, dict):
        return
    for prop in (node.get("properties") or {}).values():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        plain = not ({"format", "enum", "pattern", "const", "$ref"} & prop.keys())
        if plain and (kind == "string" or (isinstance(kind, list) and "string" in kind)):
            prop["pattern"] = NO_NUL
        elif kind == "array" and isinstance(prop.get("items"), dict):
            items = prop["items"]
            if items.get("type") == "string" and not ({"format", "enum", "pattern", "$ref"} & items.keys()):
                items["pattern"] = NO_NUL


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Post-processing hook: document the error responses of every operation."""
    _nullable_formats(result.get("components", {}).get("schemas", {}))
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: what clients send
            _no_nul(component)
    schemas[ERROR_COMPONENT] = _error_schema()
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path, method, operation):
                entry = {"description": DESCRIPTIONS[status], "content": {"application/json": {"schema": reference}}}
                if status in HEADERS:
                    entry["headers"] = HEADERS[status]
                responses.setdefault(str(status), entry)
    return result


def _error_schema() -> dict[str, Any]:
    """The schema of ErrorSerializer, closed: an error body carries nothing else."""
    detail = ErrorDetail().fields
    return {
        "type": "object",
        "description": ErrorSerializer.__doc__,
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "description": detail["code"].help_text},
                    "message": {"type": "string", "description": detail["message"].help_text},
                    "fields": {"type": "object", "additionalProperties": {},
                               "description": detail["fields"].help_text},
                },
                "required": ["code", "message", "fields"],
                "additionalProperties": False,
            },
        },
        "required": ["error"],
        "additionalProperties": False,
    }
