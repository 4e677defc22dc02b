"""A Celery worker killed in the middle of a webhook delivery: the task is redelivered,
and the instruction reaches the host platform and is recorded as done exactly once.

Real processes on loopback: a Celery worker (prefork, one child) on Redis db 8, a
SQLite database file, and an HTTP receiver in this test standing in for the host
platform. The receiver holds the first request open; the test SIGKILLs the pool
child while it waits for the answer. Bounded: about a minute (the retry back-off is
30 s), skipped without Redis.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.security.processes import (
    BASE_DIR,
    PYTHON,
    app_env,
    children_of,
    manage,
    migrated_sqlite,
    reachable,
    running,
)

pytestmark = pytest.mark.fault
REDIS_URL = "redis://127.0.0.1:6379/8"

WORKER = """
import os, django
django.setup()
from django.conf import settings
settings.HOST_PLATFORM_WEBHOOK_URL = os.environ["FAULT_WEBHOOK_URL"]
from takedown.celery import app
app.worker_main(["worker", "--loglevel", "INFO", "--concurrency", "1", "--pool", "prefork",
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "fault@%h"])
"""

ENQUEUE = """
import django
django.setup()
from django.db import transaction
from hostplatform.services import webhook_enqueue
with transaction.atomic():
    delivery = webhook_enqueue(event="measure.apply", payload={"measure": "remove", "puid": "post-42"},
                               idempotency_key="fault-kill-1", subject=("complaint", 1))
print(delivery.pk)
"""


class Platform:
    """The host platform's webhook endpoint: hangs on the first request, then answers 200."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                platform.requests.append({"key": self.headers.get("webhook-id"),
                                          "signature": self.headers.get("webhook-signature"),
                                          "body": json.loads(body)})
                if len(platform.requests) == 1:
                    platform.first_arrived.set()
                    platform.release.wait(30)
                    return  # the sender is dead by now; no answer
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


def delivery_row(db_path: str, pk: int) -> tuple[str, int]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "SELECT state, attempts FROM hostplatform_webhookdelivery WHERE id = ?", [pk]
        ).fetchone()


def delivered_events(db_path: str, pk: int) -> int:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "SELECT count(*) FROM audit_auditevent WHERE code = 'webhook.delivered' AND target_id = ?", [str(pk)]
        ).fetchone()[0]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_worker_killed_mid_delivery_is_redelivered_and_done_once(tmp_path, tmp_path_factory):
    if not reachable("127.0.0.1", 6379):
        pytest.skip("needs Redis on 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    database = migrated_sqlite(tmp_path / "var", tmp_path_factory.getbasetemp() / "sqlite-template")
    db_path = database.removeprefix("sqlite:///")
    platform = Platform()
    env = app_env(tmp_path / "var", DATABASE_URL=database, REDIS_URL=REDIS_URL, FAULT_WEBHOOK_URL=platform.url)
    log = tmp_path / "worker.log"
    try:
        with running([PYTHON, "-c", WORKER], env, log) as worker:
            wait_for(lambda: "ready" in log.read_text(errors="replace"), 60, "the worker to start")
            # The service writes the delivery into the outbox; the drain hands it to the pool.
            enqueued = subprocess.run([PYTHON, "-c", ENQUEUE], cwd=BASE_DIR, env=env, capture_output=True,
                                      text=True, timeout=60, check=True)
            pk = int(enqueued.stdout.strip().splitlines()[-1])

            # The worker is waiting for the platform's answer: kill its pool child outright.
            assert platform.first_arrived.wait(30), "the delivery never reached the platform"
            children = children_of(worker.pid)
            assert len(children) == 1
            os.kill(children[0], signal.SIGKILL)
            platform.release.set()
            assert delivery_row(db_path, pk) == ("pending", 1)

            # Celery redelivers the unacknowledged task to a fresh child. It finds the attempt
            # already taken and the next one not yet due, so it does nothing twice.
            wait_for(lambda: "WorkerLostError" in log.read_text(errors="replace"), 30, "the lost worker to be noticed")
            wait_for(lambda: re.search(r"hostplatform\.deliver\[[^]]+\] succeeded", log.read_text(errors="replace")),
                     30, "the redelivered task")
            assert "'skipped'" in log.read_text(errors="replace")
            assert len(platform.requests) == 1

            # The delivery's retry timer (a database row) brings the second attempt.
            def done() -> bool:
                manage(env, "deadlines_sweep")
                return delivery_row(db_path, pk)[0] == "done"

            wait_for(done, 90, "the retried delivery")
            time.sleep(2)
            manage(env, "deadlines_sweep")  # a late sweep finds nothing more to do
            time.sleep(2)
    finally:
        platform.close()

    assert delivery_row(db_path, pk) == ("done", 2)
    assert delivered_events(db_path, pk) == 1
    # The platform saw the same instruction twice under one idempotency key, signed both
    # times, and can therefore carry it out once.
    assert len(platform.requests) == 2
    assert {r["key"] for r in platform.requests} == {"fault-kill-1"}
    assert platform.requests[0]["body"] == platform.requests[1]["body"]
    assert all(r["signature"] for r in platform.requests)
