"""Reports at volume: the transparency report, a DSA statements batch, an evidence pack.

SPEC section 6 sets no speed bar for these; what matters is that the transparency
report stays at a constant number of queries whatever the volume (SPEC section 3) and
costs a small multiple of the cheapest possible grouped count over the same rows. Each
figure is measured against a bare baseline in the same run:

* transparency report over N notices (with decisions) vs one bare ``GROUP BY source``;
* a batch of 100 DSA statements vs the bare read of the same 100 decision rows;
* an evidence pack PDF (English and Chinese) for a case with 20 items.

Runs in a child process against a database of its own (PostgreSQL when DATABASE_URL is
set, else a temporary SQLite file), created here and dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from bench.common import Context, Row, database_url, postgres_admin

ROOT = Path(__file__).resolve().parent.parent


def run(ctx: Context) -> list[Row]:
    notices = 5_000 if ctx.quick else 50_000
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "takedown.settings", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    env.pop("TEST_DB_NAME", None)
    cleanup = None
    if ctx.on_postgres:
        outer = urlparse(ctx.database_url)
        name = f"bench_reports_{os.getpid()}"
        postgres_admin(outer, f'DROP DATABASE IF EXISTS "{name}"')
        postgres_admin(outer, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = database_url(outer, name)

        def cleanup() -> None:
            postgres_admin(outer, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        folder = tempfile.mkdtemp(prefix="bench_reports_")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.b_reports", "--child", str(notices)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        f = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if cleanup:
            cleanup()
    db = "PostgreSQL" if ctx.on_postgres else "SQLite"
    return [
        Row(
            name=f"reports: transparency report, {f['notices']:,} notices ({db})", value=f["report_ms"], unit="ms",
            target="constant queries", baseline_name="bare GROUP BY source", baseline_value=f["bare_ms"],
            ratio=f["report_ms"] / f["bare_ms"] if f["bare_ms"] else None, ok=f["queries_small"] == f["queries_large"],
            note=f"{f['queries_large']} queries at {f['notices']:,} notices, {f['queries_small']} at 10",
        ),
        Row(
            name="reports: DSA statements batch of 100", value=f["batch_ms"], unit="ms",
            baseline_name="bare read of 100 decisions", baseline_value=f["batch_bare_ms"],
            ratio=f["batch_ms"] / f["batch_bare_ms"] if f["batch_bare_ms"] else None, ok=f["batch_valid"],
            note="every statement passes reports.dsa.validate" if f["batch_valid"] else "INVALID statements",
        ),
        Row(name="reports: evidence pack PDF (en, 20 items)", value=f["pack_en_ms"], unit="ms"),
        Row(name="reports: evidence pack PDF (zh-hans, 20 items)", value=f["pack_zh_ms"], unit="ms"),
    ]


def _child(notices: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    import time
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.common import best_of
    from complaints.models import Complaint, ComplaintItem
    from complaints.services import current_policy
    from moderation.models import Decision
    from reports import dsa, transparency
    from reports.evidence_pack import content_digest, pack_content, render_pdf
    from reports.statements import statements_batch

    policy = current_policy()
    user = get_user_model().objects.create_user(username="bench", password="x" * 16)
    now = timezone.now()
    kinds = [["home_address", "phone"], ["whereabouts"], ["id_number"], ["face_image", "phone"]]
    sources = ["public", "public", "trusted_flagger", "anonymous"]

    def seed(count: int, start: int) -> None:
        batch = []
        for i in range(start, start + count):
            received = now - timedelta(minutes=i % 100_000)
            batch.append(Complaint(
                tracking_token_hash=f"{i:064x}", status="decided", channel="api", source=sources[i % 4],
                relationship="self", disclosed_info=kinds[i % 4], harms=[], priority="P1", policy=policy,
                received_at=received, valid_at=received, response_due_at=received + timedelta(hours=72),
                language="en", explanation="bench", good_faith_declaration=True,
            ))
            if len(batch) == 2000:
                Complaint.objects.bulk_create(batch)
                batch = []
        Complaint.objects.bulk_create(batch)
        ids = list(Complaint.objects.filter(decisions__isnull=True).values_list("pk", "received_at"))
        Decision.objects.bulk_create(
            [
                Decision(complaint_id=pk, measure="remove", facts="Address posted.", legal_ground="PIPL Art. 10",
                         explanation="Published without consent.", redress="Appeal within 6 months.",
                         decided_by=user, decided_at=received + timedelta(hours=5), based_on_version="bench")
                for pk, received in ids
            ],
            batch_size=2000,
        )

    period = transparency.parse_period(None, None)
    seed(10, 0)
    with CaptureQueriesContext(connection) as small:
        transparency.figures(period)
    seed(notices - 10, 10)
    with CaptureQueriesContext(connection) as large:
        transparency.figures(period)
    report_s = best_of(3, lambda: transparency.figures(period))

    def bare() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT source, COUNT(*) FROM complaints_complaint WHERE received_at >= %s AND received_at < %s GROUP BY source",
                [period.since, period.until],
            )
            cursor.fetchall()

    bare_s = best_of(5, bare)
    batch = statements_batch(limit=100)
    batch_s = best_of(5, lambda: statements_batch(limit=100))
    batch_bare_s = best_of(
        5, lambda: list(Decision.objects.select_related("complaint").order_by("pk")[:100].values_list("pk", "complaint__source"))
    )
    complaint = Complaint.objects.order_by("pk").first()
    ComplaintItem.objects.bulk_create(
        [ComplaintItem(complaint=complaint, position=i, url=f"https://social.example/p/{i}", note="copy") for i in range(20)]
    )
    content = pack_content(complaint)
    digest = content_digest(content)
    pack_en = best_of(3, lambda: render_pdf(content, language="en", tz_name="Asia/Shanghai", digest=digest, now=now))
    pack_zh = best_of(3, lambda: render_pdf(content, language="zh-hans", tz_name="Asia/Shanghai", digest=digest, now=now))
    print(json.dumps({
        "notices": notices,
        "report_ms": report_s * 1000, "bare_ms": bare_s * 1000,
        "queries_small": len(small.captured_queries), "queries_large": len(large.captured_queries),
        "batch_ms": batch_s * 1000, "batch_bare_ms": batch_bare_s * 1000,
        "batch_valid": len(batch.statements) == 100 and not dsa.validate_batch(batch.statements),
        "pack_en_ms": pack_en * 1000, "pack_zh_ms": pack_zh * 1000,
        "elapsed": time.perf_counter(),
    }))


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(int(sys.argv[2]))
