"""Webhook deliveries per second to a local receiver, signing included (SPEC section 6).

Each delivery is the product's whole path for one outbox row: claim the attempt under a row
lock (committed before the request), sign it with Standard Webhooks under two rotation
secrets, POST it, record the answer with its audit event and cancel the retry timer. The
baseline, in the same run, is a bare loop POSTing the same bodies with the same HTTP client
to the same receiver: no database, no signing. A third row times the signing alone.

The receiver is a separate process on 127.0.0.1 answering 200 at once. Runs in a child
process against a database of its own (PostgreSQL when DATABASE_URL is set, else a
temporary SQLite file), created here and dropped afterwards.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.common import Context, Row, database_url, postgres_admin

ROOT = Path(__file__).resolve().parent.parent

RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def _secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def run(ctx: Context) -> list[Row]:
    count = 300 if ctx.quick else 2_000
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "takedown.settings", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING",
           "DEMO_PLATFORM": "false", "WEBHOOK_SECRETS": f"{_secret()},{_secret()}"}
    env.pop("TEST_DB_NAME", None)
    cleanup = None
    try:
        port = int(receiver.stdout.readline())
        env["HOST_PLATFORM_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/hooks"
        if ctx.on_postgres:
            outer = urlparse(ctx.database_url)
            name = f"bench_webhooks_{os.getpid()}"
            postgres_admin(outer, f'DROP DATABASE IF EXISTS "{name}"')
            postgres_admin(outer, f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = database_url(outer, name)

            def cleanup() -> None:
                postgres_admin(outer, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            folder = tempfile.mkdtemp(prefix="bench_webhooks_")
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            env["TAKEDOWN_VAR_DIR"] = folder
        done = subprocess.run([sys.executable, "-m", "bench.b_webhooks", "--child", str(count)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        f = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
        if cleanup:
            cleanup()
    db = "PostgreSQL" if ctx.on_postgres else "SQLite"
    return [
        Row(name=f"webhooks: deliveries/s to a local receiver, signed, recorded ({db})", value=f["deliveries_per_s"],
            unit="/s", target="vs bare POST loop", baseline_name="bare HTTP POST loop", baseline_value=f["bare_per_s"],
            ratio=f["deliveries_per_s"] / f["bare_per_s"] if f["bare_per_s"] else None, ok=f["all_done"],
            note=f"{f['count']:,} deliveries, 2 signatures each; all done: {f['all_done']}"),
        Row(name="webhooks: signing alone (2 secrets, 1 KB body)", value=f["sign_us"], unit="µs"),
    ]


def _child(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    import urllib.request

    from django.conf import settings
    from django.utils import timezone

    from bench.common import best_of
    from hostplatform import services, signing
    from hostplatform.models import WebhookDelivery

    now = timezone.now()
    payload = {"case": "TD-2026-000001", "decision_id": 1, "measure": "remove",
               "item": {"id": 1, "url": "https://social.example/p/" + "x" * 700},
               "territorial_scope": ["DE", "GR"], "end_date": None}
    WebhookDelivery.objects.bulk_create([
        WebhookDelivery(event="measure.apply", payload=payload, idempotency_key=f"bench-{i}",
                        subject_type="itemaction", subject_id=i, next_attempt_at=now, created_at=now, updated_at=now)
        for i in range(count)
    ], batch_size=1000)
    ids = list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))
    bodies = [services.body_for(d) for d in WebhookDelivery.objects.order_by("pk")[:count]]

    url = settings.HOST_PLATFORM_WEBHOOK_URL

    def bare() -> None:
        for body in bodies:
            request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()

    bare()  # warm up connections and the receiver's threads
    bare_s = best_of(2, bare)
    start = time.perf_counter()
    for pk in ids:
        services.delivery_attempt(pk)
    deliveries_s = time.perf_counter() - start
    all_done = WebhookDelivery.objects.filter(state="done").count() == count

    keys = services.signing_keys()
    body = bodies[0]
    rounds = 20_000
    sign_s = best_of(3, lambda: [signing.headers(keys, "bench-1", 1_700_000_000, body) for _ in range(rounds)])
    print(json.dumps({
        "count": count, "deliveries_per_s": count / deliveries_s, "bare_per_s": count / bare_s,
        "all_done": all_done, "sign_us": sign_s / rounds * 1e6,
    }))


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(int(sys.argv[2]))
