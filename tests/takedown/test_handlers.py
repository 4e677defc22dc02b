"""The WSGI entry point: the host platform's machine calls take the short middleware list,
everything else the full one, and both answer as the product does."""

from __future__ import annotations

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from prevention.auth import forget_cached_tokens
from takedown import roles
from takedown.wsgi import application
from tests.factories import make_user, token_client

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def _call(path: str, body: bytes = b"", method: str = "POST", **headers: str):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(), "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json", **headers,
    }  # fmt: skip
    started: list[tuple[str, list[tuple[str, str]]]] = []
    # As Django's test client does: the request cycle must not close the test's
    # connection (its transaction holds the test's data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, lambda status, response_headers: started.append((status, response_headers)))
        try:
            content = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, response_headers = started[0]
    return int(status.split()[0]), {k.lower(): v for k, v in response_headers}, content


@pytest.fixture
def platform_token() -> str:
    forget_cached_tokens()
    client = token_client(make_user("host-platform", roles.PLATFORM))
    yield client._credentials["HTTP_AUTHORIZATION"]
    forget_cached_tokens()


def test_screening_through_the_machine_route_answers_with_findings_and_security_headers(platform_token):
    text = f"他的身份证是{ID_NUMBER}，大家去找他"
    body = json.dumps({"text": text, "context": "post", "language": "zh-hans"}).encode()
    status, headers, content = _call("/api/v1/screen/", body, HTTP_AUTHORIZATION=platform_token)
    assert status == 200
    answer = json.loads(content)
    assert answer["verdict"] == "block"
    (finding,) = answer["findings"]
    assert text[finding["start"] : finding["end"]] == ID_NUMBER
    assert "身份证号" in answer["warning"]
    assert headers["x-content-type-options"] == "nosniff"
    assert int(headers["content-length"]) == len(content)  # keep-alive clients read it
    assert "set-cookie" not in headers  # no session, no CSRF cookie on machine calls


def test_a_refusal_on_the_machine_route_has_the_one_error_shape_in_the_requested_language():
    body = json.dumps({"text": "hello", "context": "post"}).encode()
    status, _, content = _call("/api/v1/screen/", body, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert status == 401
    error = json.loads(content)["error"]
    assert error["code"] == "unauthenticated" and error["fields"] == {}
    assert any("\u4e00" <= c <= "\u9fff" for c in error["message"])
    status, _, content = _call("/api/v1/screen/", b"{not json", HTTP_ACCEPT_LANGUAGE="en")
    assert status == 401 and json.loads(content)["error"]["message"].isascii()


def test_pages_keep_the_full_middleware_with_their_content_security_policy():
    status, headers, content = _call("/report/", method="GET")
    assert status == 200
    assert "default-src" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert b"<form" in content


def test_an_unknown_address_under_a_machine_path_is_a_json_404():
    status, headers, content = _call("/api/v1/screen/unknown/", b"{}")
    assert status == 404
    assert headers["content-type"].startswith("application/json")
    assert json.loads(content)["error"]["code"] == "not_found"


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def test_the_machine_route_answers_in_the_language_asked_for_and_says_so(platform_token):
    good = json.dumps({"text": "call me on 139 1234 5678", "context": "post"}).encode()
    bad = json.dumps({"text": "hi", "context": "tweet"}).encode()
    zh = {"HTTP_AUTHORIZATION": platform_token, "HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}
    status, headers, content = _call("/api/v1/screen/", good, **zh)
    assert status == 200 and json.loads(content)["verdict"] == "warn"
    assert headers["content-language"] == "zh-hans"
    assert "accept-language" in headers["vary"].lower()
    status, headers, content = _call("/api/v1/screen/", bad, **zh)
    error = json.loads(content)["error"]
    assert status == 400 and error["code"] == "invalid" and "context" in error["fields"]
    assert _has_chinese(error["message"]) and headers["content-language"] == "zh-hans"
    # The language cookie wins over the header, as on the pages.
    status, headers, content = _call("/api/v1/screen/", bad, **zh, HTTP_COOKIE="django_language=en")
    assert headers["content-language"] == "en" and not _has_chinese(json.loads(content)["error"]["message"])
    # Nothing asked: the default language.
    status, headers, _ = _call("/api/v1/screen/", good, HTTP_AUTHORIZATION=platform_token)
    assert headers["content-language"] == "en"
