"""Review queue at scale (SPEC section 6): the next 50 cases among a million notices.

In a database of its own (created here, dropped afterwards) it bulk-inserts one million
notices with ``generate_series`` (a quarter of them open, the rest decided or closed),
one location each, some active claims and recorded breaches, then times:

* ``moderation.selectors.queue_rows`` for the first page of 50 (the query the queue
  page and ``GET /api/v1/queue/`` run for the rows; target <= 25 ms), against the
  same SQL run through a bare cursor (so the ratio is what the ORM and the row
  formatting add);
* the whole page including the per-priority counts (``queue_page``), for information;
  the counts stop at ``QUEUE_COUNT_CAP`` (shown as "1000+") so they stay bounded.

The SQL query count of each is printed. The measuring runs in a child process
(``python -m bench.b_queue --child N``) so Django there is configured for the bench
database and nothing else.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Context, Row
from bench.http import drop_postgres_database, recreate_postgres_database

ROOT = Path(__file__).resolve().parent.parent
PAGE = 50


def run(ctx: Context) -> list[Row]:
    if not ctx.on_postgres:
        return [Row(name="queue: next 50 cases at 1M notices", value=float("nan"), unit="ms", target="<= 25 ms",
                    note="skipped: needs PostgreSQL (set DATABASE_URL)")]
    name = f"bench_queue_{os.getpid()}"
    url = recreate_postgres_database(ctx.database_url, name)
    try:
        notices = 100_000 if ctx.quick else 1_000_000
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "takedown.settings",
               "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", "DEBUG": "false"}
        env.pop("TEST_DB_NAME", None)
        env.pop("REDIS_URL", None)
        done = subprocess.run([sys.executable, "-m", "bench.b_queue", "--child", str(notices)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        f = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        drop_postgres_database(ctx.database_url, name)
    return [
        Row(name=f"queue: next 50 cases at {f['notices']:,} notices ({f['open']:,} open)", value=f["rows_ms"],
            unit="ms", target="<= 25 ms", baseline_name="same SQL, bare cursor",
            baseline_value=f["bare_ms"], ratio=f["rows_ms"] / f["bare_ms"] if f["bare_ms"] else None,
            ok=f["rows_ms"] <= 25 and f["rows_queries"] == 1,
            note=f"best of {f['repeats']}, median {f['rows_median_ms']:.2f} ms; {f['rows_queries']} SQL query; "
                 f"page 200 (offset 9,950): {f['deep_ms']:.2f} ms"),
        Row(name="queue: whole page incl. counts per priority", value=f["page_ms"], unit="ms",
            note=f"{f['page_queries']} SQL queries whatever the page size (5: {f['queries_5']}, 50: {f['queries_50']}); "
                 "counts stop at 1,000 per priority"),
    ]


# --- the child: runs against the bench database only -------------------------------------


def _timed(fn, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def _child(notices: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from complaints.models import Complaint
    from complaints.services import ComplaintInput, complaint_submit
    from moderation import accounts, selectors, services

    call_command("migrate", verbosity=0)
    template = complaint_submit(data=ComplaintInput(
        complainant_name="Template", complainant_email="t@example.com", items=[("https://t.example/1", "")],
        disclosed_info=["home_address"], explanation="x", evidence_excerpt="y", good_faith_declaration=True,
    ), channel="web").complaint
    columns = [f.column for f in Complaint._meta.concrete_fields if f.column != "id"]
    computed = {
        "tracking_token_hash": "md5(g::text) || md5((g + 7)::text)",
        "status": "(CASE WHEN g %% 4 = 0 THEN (ARRAY['received','in_review','waiting_complainant','incomplete'])"
                  "[1 + (g / 4) %% 4] ELSE (ARRAY['decided','closed'])[1 + g %% 2] END)",
        "priority": "(ARRAY['P0','P1','P1','P2','P2','P2'])[1 + g %% 6]",
        "received_at": "now() - make_interval(secs => g)",
        "valid_at": "now() - make_interval(secs => g)",
        "response_due_at": "now() + make_interval(secs => (g::bigint * 7919) %% 604800 - 86400)",
        "updated_at": "now()",
        "disclosed_info": "(CASE WHEN g %% 5 = 0 THEN '[\"phone\"]' ELSE '[\"home_address\"]' END)::jsonb",
    }
    select = ", ".join(computed.get(c, f"t.{connection.ops.quote_name(c)}") for c in columns)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO complaints_complaint ({quoted}) SELECT {select} "
                    f"FROM complaints_complaint t, generate_series(1, %s) g WHERE t.id = %s", [notices - 1, template.pk])
        cur.execute("INSERT INTO complaints_complaintitem (complaint_id, position, url, note) "
                    "SELECT id, 0, 'https://social.example/p/' || id, '' FROM complaints_complaint WHERE id <> %s",
                    [template.pk])
        cur.execute("ANALYZE")
    moderator = accounts.staff_create(username="bench-mod", role="moderator").user
    for complaint in Complaint.objects.filter(status="received").order_by("priority", "response_due_at")[:200:4]:
        services.claim_take(complaint=complaint, user=moderator)
    with connection.cursor() as cur:
        cur.execute("""
            INSERT INTO deadlines_timer (kind, target_type, target_id, due_at, state, payload, created_at,
                                         fired_at, outcome, attempts, last_error)
            SELECT 'response_breach', 'complaint', id, response_due_at, 'done', '{}'::jsonb, now(), response_due_at,
                   'breached', 0, ''
            FROM complaints_complaint WHERE status IN ('received','in_review') AND response_due_at < now()
            ON CONFLICT DO NOTHING
        """)
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM complaints_complaint WHERE status IN "
                    "('incomplete','received','in_review','waiting_complainant')")
        open_count = cur.fetchone()[0]

    filters = selectors.QueueFilters()
    now = timezone.now()
    repeats = 30

    def rows():
        return selectors.queue_rows(filters, page=1, page_size=PAGE, now=now)

    assert len(rows()) == PAGE
    with CaptureQueriesContext(connection) as captured:
        rows()
    rows_queries = len(captured)
    # The baseline: the very SQL the selector sends, run through a bare cursor (no ORM).
    page_sql = captured.captured_queries[0]["sql"]

    def bare():
        with connection.cursor() as cur:
            cur.execute(page_sql)
            return cur.fetchall()

    assert len(bare()) == PAGE
    rows_best, rows_median = _timed(rows, repeats)
    bare_best, _ = _timed(bare, repeats)
    deep_best, _ = _timed(lambda: selectors.queue_rows(filters, page=200, page_size=PAGE, now=now), 5)
    assert not settings.DEBUG
    with CaptureQueriesContext(connection) as captured:
        selectors.queue_page(filters, page_size=PAGE, now=now)
    page_queries = len(captured)
    counts = {}
    for size in (5, 50):
        with CaptureQueriesContext(connection) as captured:
            selectors.queue_page(filters, page_size=size, now=now)
        counts[size] = len(captured)
    page_best, _ = _timed(lambda: selectors.queue_page(filters, page_size=PAGE, now=now), 5)
    return {
        "notices": notices, "open": open_count, "repeats": repeats,
        "rows_ms": rows_best, "rows_median_ms": rows_median, "rows_queries": rows_queries,
        "bare_ms": bare_best, "deep_ms": deep_best, "page_ms": page_best, "page_queries": page_queries,
        "queries_5": counts[5], "queries_50": counts[50],
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_child(int(sys.argv[2]))))
