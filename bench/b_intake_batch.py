"""Batch intake throughput: complaints accepted per second through ``POST /api/v1/complaints/batch/``
(100 per call, a trusted flagger's token), vs a bare endpoint inserting 100 rows per call.

Every complaint of a batch is validated, triaged, given its deadline and timers, stored with
its item, audited and assessed, with its acknowledgement written to the outbox, in one
transaction per batch. The bare endpoint parses the same JSON and inserts 100 rows in one
statement. Both run under the same gunicorn, settings and database, in the same run.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bench.b_intake import complaint
from bench.common import Context, Row
from bench.http import (
    ROOT,
    base_env,
    drop_postgres_database,
    gunicorn,
    manage,
    post_load,
    recreate_postgres_database,
)

SECONDS = 10.0
PER_CALL = 100
DB_NAME = "bench_intake_batch"
WARM_UP_KEYS = 10_000_000  # warm-up batches use other client keys than the measured ones


def batch(i: int) -> dict:
    return {"complaints": [complaint(i * PER_CALL + n) | {"client_key": f"b{i}-{n}"} for n in range(PER_CALL)]}


def _flagger_token(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "manage.py", "create_api_token", "bench-flagger", "--role",
                           "trusted_flagger"], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def run(ctx: Context) -> list[Row]:
    name = "intake: complaints/s via the batch endpoint (100 per call)"
    if not ctx.on_postgres:
        return [Row(name, float("nan"), "/s", note="skipped: set DATABASE_URL to PostgreSQL")]
    url = recreate_postgres_database(ctx.database_url, DB_NAME)
    try:
        env = base_env(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings_bare")
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        token = _flagger_token(env)
        import psycopg2

        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("CREATE TABLE bench_bare (id bigserial PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL)")
        seconds = 3.0 if ctx.quick else SECONDS
        auth = {"Authorization": f"Token {token}"}
        # Fewer connections than the single-complaint row: each call carries 100 notices.
        load = {"processes": 2, "connections": 2}
        with gunicorn(env, app="bench.wsgi_bare:application") as base:
            post_load(base, "/bench/bare-insert-batch", batch, seconds=1.0, **load)  # warm up both paths
            post_load(base, "/api/v1/complaints/batch/", lambda i: batch(WARM_UP_KEYS + i), seconds=1.0,
                      headers=auth, **load)
            with psycopg2.connect(url) as conn, conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM complaints_complaint")
                before = cur.fetchone()[0]
            bare = post_load(base, "/bench/bare-insert-batch", batch, seconds=seconds, **load)
            calls = post_load(base, "/api/v1/complaints/batch/", batch, seconds=seconds, headers=auth, **load)
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM complaints_complaint")
            stored = cur.fetchone()[0] - before
            cur.execute("SELECT count(*) FROM audit_auditevent WHERE code = 'complaint.submitted'")
            audited = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM deadlines_outboxmessage WHERE task = 'complaints.send_acknowledgement'")
            receipts = cur.fetchone()[0]
    finally:
        drop_postgres_database(ctx.database_url, DB_NAME)
    per_second = calls.per_second * PER_CALL
    bare_per_second = bare.per_second * PER_CALL
    ratio = per_second / bare_per_second if bare_per_second else None
    accepted = calls.requests * PER_CALL
    note = (
        f"{calls.requests} calls = {accepted} complaints accepted, {calls.errors} errors {calls.statuses}; "
        f"{stored} stored in the measured run, {audited} audited and {receipts} receipts waiting in the outbox "
        f"(incl. warm-up, no worker running); bare: {bare.requests} calls, {bare.errors} errors; "
        f"2 gunicorn gthread workers x 4 threads, {os.cpu_count()} cores shared with the load generator"
    )
    return [
        Row(name, per_second, "/s", ">= 5,000/s and >= 0.3x bare", "bare 100-row insert endpoint",
            bare_per_second, ratio,
            ok=per_second >= 5000 and (ratio or 0) >= 0.3 and calls.errors == 0 and stored == accepted, note=note),
    ]
