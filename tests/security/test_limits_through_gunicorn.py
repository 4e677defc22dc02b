"""Limits and the login lockout as the outside sees them: a real gunicorn, requests
carrying whatever X-Forwarded-For the sender likes.

TRUSTED_PROXY_COUNT = 0 is gunicorn published directly: the header is the sender's own
writing and must not give a fresh budget. TRUSTED_PROXY_COUNT = 1 is the compose file's
nginx in front: the proxy's entry (the last) is the client; here the test plays the
proxy, so every request arrives from 127.0.0.1.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django_otp.oath import TOTP

from tests.security.processes import (
    app_env,
    complaint_body,
    free_port,
    gunicorn_cmd,
    manage,
    migrated_sqlite,
    post_json,
    running,
    wait_http,
)

pytestmark = pytest.mark.fault
TOTP_KEY = "3132333435363738393031323334353637383930"
MAKE_STAFF = f"""
from moderation import accounts
accounts.staff_create(username="mod-owner", role="moderator", password="owner-password-1", totp_key="{TOTP_KEY}")
"""


def start(tmp_path_factory, name: str, proxies: int):
    var = tmp_path_factory.mktemp(name)
    database = migrated_sqlite(var, tmp_path_factory.getbasetemp() / "sqlite-template")
    env = app_env(var, DATABASE_URL=database, REDIS_URL=None, RATE_LIMITS_ENABLED="true",
                  RATE_LIMIT_PUBLIC_INTAKE="2/600", TRUSTED_PROXY_COUNT=str(proxies))
    manage(env, "shell", "-c", MAKE_STAFF)
    port = free_port()
    return running(gunicorn_cmd(port, workers=2, threads=2), env, var / "gunicorn.log"), port


def file_notice(port: int, forwarded: str, n: int) -> int:
    status, _headers, _body = post_json(f"http://127.0.0.1:{port}/api/v1/complaints/", complaint_body(n),
                                        headers={"X-Forwarded-For": forwarded})
    return status


def login(port: int, forwarded: str, password: str, code: str | None = None) -> int:
    """The staff login as a browser does it; the status of the last step."""
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.addheaders = [("X-Forwarded-For", forwarded), ("Accept-Language", "en")]

    def post(path: str, fields: dict[str, str]) -> tuple[int, str]:
        page = opener.open(base + path, timeout=20).read().decode()
        fields["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        request = urllib.request.Request(base + path, data=urllib.parse.urlencode(fields).encode(),
                                         headers={"Referer": base + path})
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.url
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    status, where = post("/staff/login/", {"username": "mod-owner", "password": password})
    if status != 200 or "/staff/login/verify/" not in where or code is None:
        return status
    status, where = post("/staff/login/verify/", {"code": code})
    return 302 if status == 200 and "/staff/login" not in where else status


def current_code() -> str:
    return f"{TOTP(bytes.fromhex(TOTP_KEY)).token():06d}"


def test_gunicorn_published_directly_ignores_forwarded_for(tmp_path_factory):
    server, port = start(tmp_path_factory, "direct", proxies=0)
    with server:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        statuses = [file_notice(port, f"198.51.100.{n}", n) for n in range(4)]
        assert statuses == [201, 201, 429, 429]
        # Nor does a stranger's rotation lock the staff account for its owner by their
        # header: every attempt counts for the one sending address.
        assert [login(port, f"203.0.113.{n}", "wrong") for n in range(5)][-1] == 429


def test_behind_one_proxy_the_proxys_entry_is_the_client(tmp_path_factory):
    server, port = start(tmp_path_factory, "proxied", proxies=1)
    with server:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        # Forged entries to the left of the proxy's do not help...
        assert [file_notice(port, f"6.6.6.{n}, 198.51.100.30", n) for n in range(3)] == [201, 201, 429]
        # ...and another client behind the same proxy has its own budget.
        assert file_notice(port, "198.51.100.31", 9) == 201
        # A stranger's wrong passwords lock the stranger, not the owner at their own client.
        assert [login(port, "203.0.113.9", "wrong") for _ in range(5)] == [400, 400, 400, 400, 429]
        assert login(port, "203.0.113.9", "owner-password-1") == 429
        assert login(port, "198.51.100.44", "owner-password-1", current_code()) == 302
