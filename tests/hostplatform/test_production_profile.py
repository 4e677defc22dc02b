"""The production profile from outside: gunicorn with TAKEDOWN_ENV=production and its
secrets, a Celery worker, PostgreSQL and Redis, and the host platform's receiver as a
separate process on loopback. A decision made through the API reaches that receiver (not
the demo platform), signed under both rotation secrets as the stock `standardwebhooks`
library checks, and each delivery is recorded with the receiver's answer.

Real processes; bounded (about a minute); skipped without PostgreSQL and Redis.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import urllib.request
from pathlib import Path

import pytest

from takedown.crypto import generate_key
from tests.security.processes import (
    PYTHON,
    app_env,
    complaint_body,
    drop_postgres_database,
    free_port,
    gunicorn_cmd,
    manage,
    post_json,
    postgres_url,
    reachable,
    recreate_postgres_database,
    running,
    wait_http,
)

pytestmark = pytest.mark.fault
DB_NAME = "takedown_contracts_production"
REDIS_URL = "redis://127.0.0.1:6379/6"
RECEIVER = Path(__file__).with_name("receiver_process.py")


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def whsec() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def deliveries(database_url: str) -> list[dict]:
    import psycopg2

    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT event, idempotency_key, state, attempts, response_status, response_body "
                       "FROM hostplatform_webhookdelivery ORDER BY id")
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def demo_actions(database_url: str) -> int:
    import psycopg2

    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hostplatform_demoplatformaction")
        return cursor.fetchone()[0]


def test_a_decision_reaches_the_configured_receiver_signed_and_recorded(tmp_path):
    server = postgres_url()
    if server is None or not reachable("127.0.0.1", 6379):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis on 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    database = recreate_postgres_database(server, DB_NAME)
    rotation = [whsec(), whsec()]  # newest first: the platform still holds only the older one
    log, port_file = tmp_path / "received.jsonl", tmp_path / "receiver.port"
    log.touch()
    receiver_env = app_env(tmp_path / "receiver", RECEIVER_SECRETS=rotation[1], RECEIVER_LOG=str(log),
                           RECEIVER_PORT_FILE=str(port_file))
    try:
        with running([PYTHON, str(RECEIVER)], receiver_env, tmp_path / "receiver.log"):
            receiver_port = int(wait_for(lambda: port_file.exists() and port_file.read_text(), 30, "the receiver"))
            web_port = free_port()
            env = app_env(
                tmp_path / "var",
                TAKEDOWN_ENV="production",
                DATABASE_URL=database,
                REDIS_URL=REDIS_URL,
                SECRET_KEY=secrets.token_urlsafe(50),
                ALLOWED_HOSTS="127.0.0.1",
                SECURE_SSL_REDIRECT="false",
                PUBLIC_BASE_URL=f"http://127.0.0.1:{web_port}",
                AUDIT_SIGNING_KEY=generate_key(),
                FIELD_ENCRYPTION_KEYS=generate_key(),
                FINGERPRINT_KEY=secrets.token_urlsafe(32),
                WEBHOOK_SECRETS=",".join(rotation),
                WEBHOOK_SECRET=None,
                DEMO_PLATFORM=None,
                HOST_PLATFORM_WEBHOOK_URL=f"http://127.0.0.1:{receiver_port}/takedown-hooks",
                RATE_LIMITS_ENABLED="false",
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            )
            manage(env, "migrate", "--noinput")
            manage(env, "create_staff", "senior", "--role", "senior_moderator", "--no-qr")
            token = manage(env, "shell", "-c", (
                "from django.contrib.auth.models import User; from rest_framework.authtoken.models import Token; "
                "print(Token.objects.create(user=User.objects.get(username='senior')).key)"
            )).stdout.strip().splitlines()[-1]
            worker_cmd = [PYTHON, "-m", "celery", "-A", "takedown", "worker", "--loglevel", "INFO", "--pool", "solo",
                          "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "contracts@%h"]
            worker_log = tmp_path / "worker.log"
            with running(worker_cmd, env, worker_log), \
                    running(gunicorn_cmd(web_port), env, tmp_path / "gunicorn.log"):
                base = f"http://127.0.0.1:{web_port}"
                wait_http(f"{base}/healthz")
                wait_for(lambda: "ready" in worker_log.read_text(errors="replace"), 60, "the worker")
                with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
                    health = json.loads(response.read())
                assert health == {"database": "ok", "cache": "ok", "broker": "ok", "webhooks": "ok", "status": "ok"}
                # Production has no demo platform.
                status, _, _ = post_json(f"{base}/demo-platform/webhook", {"type": "measure.apply"})
                assert status == 404

                status, _, filed = post_json(f"{base}/api/v1/complaints/", complaint_body(1))
                assert status == 201, filed
                status, _, decided = post_json(
                    f"{base}/api/v1/cases/{filed['reference']}/decisions",
                    {"measure": "remove", "facts": "The post shows a home address.", "legal_ground": "PIPL Art. 10",
                     "explanation": "Publishing a home address without consent is unlawful.",
                     "territorial_scope": ["EL", "DE"]},
                    headers={"Authorization": f"Token {token}"},
                )
                assert status == 201, decided

                def received():
                    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
                    return lines if {r["body"]["type"] for r in lines} >= {"measure.apply", "poster.notice"} else None

                requests = wait_for(received, 60, "the deliveries at the receiver")
                rows = wait_for(lambda: (r := deliveries(database)) and all(d["state"] == "done" for d in r) and r,
                                30, "the deliveries to be recorded as done")
                demo_count = demo_actions(database)
    finally:
        drop_postgres_database(server, DB_NAME)

    assert all(r["verified"] == [True] for r in requests)  # the older secret, still accepted
    assert all(r["path"] == "/takedown-hooks" for r in requests)
    assert all(len(r["headers"]["webhook-signature"].split(" ")) == 2 for r in requests)
    apply = next(r for r in requests if r["body"]["type"] == "measure.apply")
    assert apply["body"]["data"]["case"] == filed["reference"]
    assert apply["body"]["data"]["territorial_scope"] == ["DE", "GR"]
    assert apply["headers"]["webhook-id"] == apply["body"]["id"]
    assert {d["event"] for d in rows} == {"measure.apply", "poster.notice"}
    for row in rows:
        assert row["response_status"] == 200 and row["attempts"] == 1
        assert json.loads(row["response_body"]) == {"received": row["idempotency_key"], "by": "stand-in platform"}
    assert demo_count == 0
