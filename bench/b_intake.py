"""Intake throughput: complaints accepted per second through the API, vs a bare insert.

Each accepted complaint is validated, triaged, given its deadline and timers, stored
with its item, and audited, all in one transaction, then its acknowledgement is
queued. The bare endpoint parses the same JSON and inserts one row. Both run under
the same gunicorn, settings and database, in the same run.
"""

from __future__ import annotations

import os

from bench.common import Context, Row
from bench.http import (
    base_env,
    drop_postgres_database,
    gunicorn,
    manage,
    post_load,
    recreate_postgres_database,
)

SECONDS = 10.0
DB_NAME = "bench_intake"


def complaint(i: int) -> dict:
    return {
        "complainant": {"name": f"Person {i}", "email": f"person{i}@example.com"},
        "relationship": "self",
        "items": [{"url": f"https://social.example/p/{i}", "note": "address"}],
        "disclosed_info": ["home_address", "phone"] if i % 3 else ["face_image"],
        "harms": ["contact_by_strangers"],
        "explanation": "My address and phone number were posted without my consent.",
        "evidence_excerpt": "Lives at 12 Example Road, phone 138 0013 8000",
        "good_faith_declaration": True,
        "language": "en",
    }


def run(ctx: Context) -> list[Row]:
    if not ctx.on_postgres:
        return [Row("intake: complaints/s via API", float("nan"), "/s", note="skipped: set DATABASE_URL to PostgreSQL")]
    url = recreate_postgres_database(ctx.database_url, DB_NAME)
    try:
        env = base_env(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings_bare")
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        import psycopg2

        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("CREATE TABLE bench_bare (id bigserial PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL)")
        seconds = 3.0 if ctx.quick else SECONDS
        with gunicorn(env, app="bench.wsgi_bare:application") as base:
            post_load(base, "/bench/bare-insert", complaint, seconds=1.0)  # warm up both paths
            post_load(base, "/api/v1/complaints/", complaint, seconds=1.0)
            bare = post_load(base, "/bench/bare-insert", complaint, seconds=seconds)
            intake = post_load(base, "/api/v1/complaints/", complaint, seconds=seconds)
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM complaints_complaint")
            stored = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM audit_auditevent WHERE code = 'complaint.submitted'")
            audited = cur.fetchone()[0]
    finally:
        drop_postgres_database(ctx.database_url, DB_NAME)
    ratio = intake.per_second / bare.per_second if bare.per_second else None
    note = (
        f"{intake.requests} accepted, {intake.errors} errors {intake.statuses}; "
        f"{stored} complaints stored and {audited} audited (incl. warm-up); bare: {bare.errors} errors; "
        f"2 gunicorn gthread workers x 4 threads, {os.cpu_count()} cores shared with the load generator"
    )
    return [
        Row("intake: complaints/s via API", intake.per_second, "/s", ">= 1,000/s and >= 0.8x bare",
            "bare insert endpoint", bare.per_second, ratio,
            ok=intake.per_second >= 1000 and (ratio or 0) >= 0.8 and intake.errors == 0, note=note),
    ]
