"""Bodies and query strings no browser sends, through a real gunicorn: a notice is read
whole or refused, never half-read, and nothing here answers 5xx.

- chunked without a Content-Length: read to its end (the notice and its files stored);
  a chunked body that breaks off: 400;
- multipart cut short (no closing delimiter, or fewer bytes than its Content-Length): 400,
  nothing stored;
- JSON nested past the bound: 400 on every operation of the schema;
- a NUL or bytes that are not UTF-8 in the query string: 400, in the error shape on the
  API and as the error page on HTML pages, on every operation of the schema.

One gunicorn (gthread, as in production) on a throwaway SQLite database, loopback only.
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.request
from urllib.parse import urlencode

import pytest

from takedown.bodies import MAX_JSON_DEPTH
from tests.conftest import make_png
from tests.security import rawhttp
from tests.security.processes import (
    app_env,
    complaint_body,
    free_port,
    gunicorn_cmd,
    manage,
    migrated_sqlite,
    running,
    wait_http,
)

pytestmark = pytest.mark.fault
BOUNDARY = "----takedown-test-boundary-7f3a"
MAKE_TOKEN = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from takedown import roles
user = User.objects.create_user("fuzz-all-roles", is_staff=True)
for name in roles.ALL_ROLES:
    user.groups.add(Group.objects.get_or_create(name=name)[0])
print("TOKEN=" + Token.objects.create(user=user).key)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("malformed")
    database = migrated_sqlite(var, tmp_path_factory.getbasetemp() / "sqlite-template")
    env = app_env(var, DATABASE_URL=database, REDIS_URL=None, RATE_LIMITS_ENABLED="false")
    token = re.search(r"TOKEN=(\w+)", manage(env, "shell", "-c", MAKE_TOKEN).stdout)[1]
    port = free_port()
    with running(gunicorn_cmd(port, workers=2, threads=2), env, var / "gunicorn.log") as process:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield {"port": port, "token": token, "db": database.removeprefix("sqlite:///"), "log": var / "gunicorn.log"}
        assert process.poll() is None, "gunicorn died"
    log = (var / "gunicorn.log").read_text(errors="replace")
    # Refusals are logged as warnings (Django logs every 400 it turns an exception into);
    # no request may have ended as a server error.
    assert "Internal Server Error" not in log and "Error handling request" not in log


def rows(server, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(server["db"]) as db:
        return db.execute(sql, args).fetchall()


def complaint_count(server) -> int:
    return rows(server, "SELECT count(*) FROM complaints_complaint")[0][0]


def latest(server, table: str) -> list[tuple]:
    """Rows of ``table`` belonging to the newest complaint (the one just filed)."""
    return rows(server, f"SELECT * FROM {table} WHERE complaint_id = (SELECT max(id) FROM complaints_complaint)")


def evidence_sizes(server) -> list[int]:
    return [size for (size,) in rows(
        server, "SELECT size FROM complaints_evidence WHERE complaint_id = (SELECT max(id) FROM complaints_complaint)")]


def notice_with_file() -> tuple[bytes, bytes]:
    png = make_png(60, 40, noise=True)
    body = rawhttp.multipart(BOUNDARY, {"payload": json.dumps(complaint_body(1))}, [("evidence", "shot.png", png)])
    return body, png


MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
JSON = {"Content-Type": "application/json"}


# --- Chunked -------------------------------------------------------------------------------


def test_a_chunked_json_notice_is_read_whole_and_stored_complete(server):
    body = json.dumps(complaint_body(7)).encode()
    answer = rawhttp.send(server["port"], "POST", "/api/v1/complaints/",
                          {**JSON, "Transfer-Encoding": "chunked"}, rawhttp.chunked(body, 50))
    assert answer.status == 201, answer.body
    receipt = answer.json()
    # Complete: nothing the person wrote was lost on the way (an empty body would be
    # stored as an incomplete notice missing every field).
    assert receipt["missing"] == [] and receipt["status"] != "incomplete"
    assert len(latest(server, "complaints_complaintitem")) == 1


def test_a_chunked_multipart_notice_keeps_its_file(server):
    body, png = notice_with_file()
    answer = rawhttp.send(server["port"], "POST", "/api/v1/complaints/",
                          {**MULTIPART, "Transfer-Encoding": "chunked"}, rawhttp.chunked(body, 4096))
    assert answer.status == 201, answer.body
    assert answer.json()["missing"] == []
    assert evidence_sizes(server) == [len(png)]


def test_a_chunked_body_that_breaks_off_is_refused_and_nothing_is_stored(server):
    before = complaint_count(server)
    body = json.dumps(complaint_body(8)).encode()
    answer = rawhttp.send(server["port"], "POST", "/api/v1/complaints/",
                          {**JSON, "Transfer-Encoding": "chunked"}, rawhttp.chunked(body, 50, finish=False)[:-20],
                          half_close=True)
    assert answer.status == 400
    assert answer.error_code == "malformed"
    assert complaint_count(server) == before


def form_session(server) -> dict[str, str]:
    """Headers of a browser that loaded the form: its CSRF cookie, plus the token to post."""
    page = urllib.request.urlopen(f"http://127.0.0.1:{server['port']}/report/", timeout=20)
    cookie = page.headers["Set-Cookie"].split(";")[0]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    return {"Cookie": cookie, "Referer": f"http://127.0.0.1:{server['port']}/report/", "csrf": csrf}


def test_a_chunked_web_form_is_read_whole_too(server):
    from tests.complaints.test_web import form_data

    session = form_session(server)
    csrf = session.pop("csrf")
    form = urlencode({**form_data(), "csrfmiddlewaretoken": csrf}, doseq=True).encode()
    before = complaint_count(server)
    answer = rawhttp.send(server["port"], "POST", "/report/", {
        **session, "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked",
    }, rawhttp.chunked(form, 40))
    assert answer.status == 302 and "/report/receipt/" in answer.headers["location"]
    assert complaint_count(server) == before + 1
    # Complete: the status and the missing list were computed from every field sent.
    status, missing = rows(server, "SELECT status, missing FROM complaints_complaint ORDER BY id DESC LIMIT 1")[0]
    assert json.loads(missing) == [] and status != "incomplete"


# --- Truncated multipart -----------------------------------------------------------------------


def test_multipart_without_its_closing_delimiter_is_a_400_not_a_notice_without_its_file(server):
    before = complaint_count(server)
    body, _png = notice_with_file()
    cut = body[: body.index(b"\x89PNG") + 300]  # the file part cut off, Content-Length matching
    answer = rawhttp.send(server["port"], "POST", "/api/v1/complaints/",
                          {**MULTIPART, "Content-Length": str(len(cut))}, cut)
    assert answer.status == 400, answer.body
    assert answer.error_code == "malformed"
    assert complaint_count(server) == before


def test_multipart_shorter_than_its_content_length_is_a_400(server):
    before = complaint_count(server)
    body, _png = notice_with_file()
    answer = rawhttp.send(server["port"], "POST", "/api/v1/complaints/",
                          {**MULTIPART, "Content-Length": str(len(body))}, body[:-400], half_close=True)
    assert answer.status == 400, answer.body
    assert answer.error_code == "malformed"
    assert complaint_count(server) == before


def test_a_truncated_multipart_web_form_gets_the_error_page(server):
    from tests.complaints.test_web import form_data

    session = form_session(server)
    fields = {k: v for k, v in form_data().items() if isinstance(v, str)}
    fields["csrfmiddlewaretoken"] = session.pop("csrf")
    body = rawhttp.multipart(BOUNDARY, fields, [("evidence", "shot.png", make_png(60, 40, noise=True))])
    cut = body[:-len(f"--{BOUNDARY}--\r\n")]
    before = complaint_count(server)
    answer = rawhttp.send(server["port"], "POST", "/report/",
                          {**session, **MULTIPART, "Accept-Language": "en", "Content-Length": str(len(cut))}, cut)
    assert answer.status == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert "We could not read that request" in answer.body.decode()
    assert complaint_count(server) == before


def test_a_complete_multipart_notice_still_keeps_its_file(server):
    body, png = notice_with_file()
    answer = rawhttp.send(server["port"], "POST", "/api/v1/complaints/",
                          {**MULTIPART, "Content-Length": str(len(body))}, body)
    assert answer.status == 201, answer.body
    assert evidence_sizes(server) == [len(png)]


# --- The fuzz pass over every operation -----------------------------------------------------


def operations(server) -> list[tuple[str, str]]:
    request = urllib.request.Request(f"http://127.0.0.1:{server['port']}/api/schema/?format=json",
                                     headers={"Authorization": f"Token {server['token']}"})
    schema = json.loads(urllib.request.urlopen(request, timeout=30).read())
    found = []
    for path, item in schema["paths"].items():
        target = re.sub(r"\{[^}]+\}", "1", path)
        found += [(method.upper(), target) for method in item if method in {"get", "post", "put", "patch", "delete"}]
    return found


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_fuzz_every_operation_with_malformed_input_finds_no_5xx(server):
    ops = operations(server)
    assert len(ops) > 30
    port, auth = server["port"], {"Authorization": f"Token {server['token']}"}
    bad: list[str] = []
    query_refused = 0
    for method, target in ops:
        for who in ({}, auth):
            for query in ("?q=%00", "?q=a%00b&page=1", "?q=%FF%FE", "?status=%C3%28"):
                answer = rawhttp.send(port, method, target + query, who)
                if answer.status != 400 or answer.error_code != "malformed":
                    bad.append(f"{method} {target}{query} -> {answer.status} {answer.body[:120]!r}")
                query_refused += 1
            if method not in {"POST", "PUT", "PATCH"}:
                continue
            body, _png = notice_with_file()
            cut = body[: body.index(b"\x89PNG") + 200]
            for headers, payload, close in (
                ({**JSON, "Content-Length": str(1000 * 2)}, deep(1000), False),
                ({**JSON, "Transfer-Encoding": "chunked"}, rawhttp.chunked(deep(5000)), False),
                ({**JSON, "Content-Length": str(2 * (MAX_JSON_DEPTH + 1))}, deep(MAX_JSON_DEPTH + 1), False),
                ({**MULTIPART, "Content-Length": str(len(cut))}, cut, False),
                ({**MULTIPART, "Transfer-Encoding": "chunked"}, rawhttp.chunked(cut, finish=False), True),
                ({**JSON, "Content-Length": "400"}, b'{"complainant": {"name": "', True),
            ):
                answer = rawhttp.send(port, method, target, {**who, **headers}, payload, half_close=close)
                if answer.status >= 500:
                    bad.append(f"{method} {target} {headers} -> {answer.status} {answer.body[:120]!r}")
    assert query_refused > 100
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("target", ["/api/v1/complaints/", "/api/v1/complaints/batch/",
                                    "/api/v1/screen/", "/api/v1/signals/"])
def test_deep_json_is_a_malformed_400_where_json_is_read(server, target):
    auth = {"Authorization": f"Token {server['token']}"}
    for payload in (deep(1000), deep(MAX_JSON_DEPTH + 1), b'{"a":' * 900 + b"1" + b"}" * 900):
        answer = rawhttp.send(server["port"], "POST", target, {**auth, **JSON, "Content-Length": str(len(payload))},
                              payload)
        assert answer.status == 400, (target, answer.status, answer.body[:200])
        assert answer.error_code == "malformed"
        assert set(answer.json()["error"]) == {"code", "message", "fields"}


def test_json_within_the_bound_is_still_read(server):
    nested = {"complainant": {"name": "Lin Fang", "email": "lin@example.org"}}
    body = json.dumps({**complaint_body(3), **nested}).encode()
    answer = rawhttp.send(server["port"], "POST", "/api/v1/complaints/", {**JSON, "Content-Length": str(len(body))},
                          body)
    assert answer.status == 201


def test_nul_in_the_queue_query_is_a_400_page_and_api_error(server):
    port = server["port"]
    page = rawhttp.send(port, "GET", "/staff/queue/?q=%00", {"Accept-Language": "en"})
    assert page.status == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "We could not read that request" in page.body.decode()
    api = rawhttp.send(port, "GET", "/api/v1/queue/?q=x%00y", {"Authorization": f"Token {server['token']}"})
    assert api.status == 400 and api.error_code == "malformed"
    clean = rawhttp.send(port, "GET", "/api/v1/queue/?q=%E6%9D%8E", {"Authorization": f"Token {server['token']}"})
    assert clean.status == 200  # UTF-8 (here Chinese) is read as before
