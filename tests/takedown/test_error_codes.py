"""One vocabulary of refusals: every code an ``ErrorCode``, every message translated.

A client branches on ``error.code`` (the same in every language); a person reads
``error.message`` in their own. The first two tests read the sources, so a new refusal
written with a bare English string or a free-form code fails here; the others check
that a Chinese reader actually gets Chinese, on the API and on a page.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from takedown import exceptions
from takedown.exceptions import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
APPS = ("takedown", "audit", "deadlines", "complaints", "moderation", "hostplatform", "prevention",
        "preservation", "reports")
REFUSALS = {
    name for name, value in vars(exceptions).items()
    if isinstance(value, type) and issubclass(value, exceptions.DomainError)
}
TRANSLATORS = {"_", "gettext", "gettext_lazy", "ngettext"}


def _refusals():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFUSALS:
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def _is_translated(node: ast.expr) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATORS


def test_every_refusal_message_is_marked_for_translation():
    untranslated = [
        where for where, call in _refusals()
        if call.func.id != "RateLimited" and (not call.args or not _is_translated(call.args[0]))
    ]
    assert len(list(_refusals())) > 100
    assert not untranslated, "mark these messages with _(...):\n" + "\n".join(untranslated)


def test_every_refusal_code_is_an_error_code_member():
    free_form = []
    for where, call in _refusals():
        for keyword in call.keywords:
            if keyword.arg != "code":
                continue
            value = keyword.value
            is_member = (
                isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)
                and value.value.id == "ErrorCode" and value.attr in ErrorCode.__members__
            )
            if not is_member:
                free_form.append(where)
    assert not free_form, "use an ErrorCode member for code=:\n" + "\n".join(free_form)


def test_each_refusal_class_has_a_default_code():
    for name in REFUSALS:
        assert isinstance(getattr(exceptions, name).code, ErrorCode), name


@pytest.mark.django_db
def test_api_refusal_is_in_the_language_of_the_request(api_client):
    chinese = api_client.get("/api/v1/track/not-a-real-link/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 404
    assert chinese.json()["error"] == {"code": "not_found", "message": "没有与此跟踪链接匹配的举报。", "fields": {}}

    english = api_client.get("/api/v1/track/not-a-real-link/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"] == {
        "code": "not_found", "message": "No report matches this tracking link.", "fields": {},
    }


@pytest.mark.django_db
def test_field_messages_and_parameters_are_translated(make_user, token_client):
    client = token_client(make_user("mod", "moderator"))
    body = client.get(
        "/api/v1/audit/proof/inclusion", {"index": "x", "tree_size": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).json()["error"]
    assert body == {"code": "invalid", "message": "index 必须是非负整数。", "fields": {"index": ["必须是非负整数。"]}}
