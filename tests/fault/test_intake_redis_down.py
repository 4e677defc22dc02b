"""Redis goes down: intake still works; rate limiting and the broker degrade safely
and say so in the logs; when Redis is back the limits apply again.

gunicorn reaches Redis (db 8) through a TCP proxy this test cuts and restores. The
database is a throwaway SQLite file. Bounded, loopback only.
"""

from __future__ import annotations

import re
import sqlite3
import time
import urllib.request

import pytest

from deadlines.outbox import KICK_INTERVAL_SECONDS
from tests.security.processes import (
    TcpProxy,
    app_env,
    complaint_body,
    free_port,
    gunicorn_cmd,
    migrated_sqlite,
    post_json,
    reachable,
    running,
    wait_http,
)

pytestmark = pytest.mark.fault
REDIS = ("127.0.0.1", 6379)


def staff_login_attempt(base: str) -> int:
    """A wrong password on the staff login form (the lockout counter lives in the cache)."""
    import http.cookiejar
    import urllib.parse

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/staff/login/", timeout=20).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": "nobody", "password": "wrong-password"})
    request = urllib.request.Request(f"{base}/staff/login/", data=data.encode(), headers={"Referer": f"{base}/staff/login/"})
    try:
        with opener.open(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_redis_down_intake_works_limits_open_loudly_and_return_with_redis(tmp_path, tmp_path_factory):
    if not reachable(*REDIS):
        pytest.skip("needs Redis on 127.0.0.1:6379")
    import redis

    database = migrated_sqlite(tmp_path / "var", tmp_path_factory.getbasetemp() / "sqlite-template")
    with TcpProxy(*REDIS) as proxy:
        redis_url = f"redis://127.0.0.1:{proxy.port}/8"
        redis.Redis.from_url(f"redis://{REDIS[0]}:{REDIS[1]}/8").flushdb()
        env = app_env(
            tmp_path / "var",
            DATABASE_URL=database,
            REDIS_URL=redis_url,
            RATE_LIMITS_ENABLED="true",
            RATE_LIMIT_PUBLIC_INTAKE="3/600",
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = tmp_path / "gunicorn.log"
        with running(gunicorn_cmd(port, workers=1, threads=2), env, log_path):
            wait_http(f"{base}/healthz")
            url = f"{base}/api/v1/complaints/"

            # Redis up: the budget of 3 per window is enforced across requests.
            up = [post_json(url, complaint_body(i))[0] for i in range(4)]
            assert up == [201, 201, 201, 429]

            # Redis down: intake answers, the limit is open, the tracking page works.
            proxy.cut()
            time.sleep(KICK_INTERVAL_SECONDS * 2)  # past the last nudge to the worker: the next one tries
            down = [post_json(url, complaint_body(10 + i)) for i in range(3)]
            assert [status for status, _, _ in down] == [201, 201, 201]
            token = down[0][2]["tracking_url"].rstrip("/").rsplit("/", 1)[-1]
            assert get(f"{base}/track/{token}/") == 200
            assert get(f"{base}/api/v1/track/{token}/") == 200
            # Staff can still try to log in: the lockout counter (in the cache) must not turn
            # a wrong password into a server error.
            assert get(f"{base}/staff/login/") == 200
            assert staff_login_attempt(base) in (200, 400)

            # Redis back: the same window's count applies again.
            proxy.restore()
            assert post_json(url, complaint_body(20))[0] == 429
        log = log_path.read_text(errors="replace")

    assert "rate limiting disabled: cache unavailable" in log
    assert "login failure not counted: cache unavailable" in log
    assert "broker unavailable for deadlines.outbox_drain" in log
    # No worker ran: every acknowledgement waits in the outbox, none was lost with the broker.
    with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
        waiting = db.execute("SELECT task, COUNT(*) FROM deadlines_outboxmessage GROUP BY task").fetchall()
        receipts = db.execute("SELECT COUNT(*) FROM complaints_complaint WHERE receipt_token != ''").fetchone()[0]
    assert waiting == [("complaints.send_acknowledgement", 6)] and receipts == 6
    assert " 500 " not in log and "Traceback" not in log, log[-3000:]
    # Logs never carry the token even for the tracking requests.
    assert token not in log
