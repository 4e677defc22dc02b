"""Audit log speed (issue: tamper-evident log), in a PostgreSQL database of its own.

* Append throughput with 16 concurrent writers, each committing one event per
  transaction through ``audit_record`` (with the sequencer running every second, as in
  production), against the same 16 writers inserting through the ORM into a plain
  table of the same shape and indexes (no trigger, no sequencer). Target >= 90 %.
* Verification of a million events (``audit.integrity.verify_log``: every leaf
  recomputed, the tree rebuilt, every stored node and checkpoint compared) against
  ``COPY (SELECT * FROM audit_auditevent) TO STDOUT`` of the same table. Target <= 2x.
  The events are generated with one SQL statement and sequenced by the real sequencer
  (its throughput is reported too).
* Checkpoint latency: the longest time from an event's commit to the commit of a
  signed checkpoint covering it, with the sequencer running every second. Target <= 2 s.

Setting up the million events (one INSERT ... SELECT, then the real sequencer) takes
most of this module's three to four minutes; ``BENCH_QUICK=1`` uses 100,000 events.

The measuring runs in a child process (``python -m bench.b_audit --child N``) so that
Django there is configured for the bench database only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.common import Context, Row, database_url, postgres_admin

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 16


def run(ctx: Context) -> list[Row]:
    if not ctx.on_postgres:
        note = "skipped: needs PostgreSQL (set DATABASE_URL)"
        nan = float("nan")
        return [
            Row(name="audit: append throughput, 16 writers", value=nan, unit="% of plain", target=">= 90 %", note=note),
            Row(name="audit: verify 1M events vs COPY", value=nan, unit="x", target="<= 2x", note=note),
            Row(name="audit: checkpoint latency (max)", value=nan, unit="s", target="<= 2 s", note=note),
        ]
    outer = urlparse(ctx.database_url)
    name = f"bench_audit_{os.getpid()}"
    postgres_admin(outer, f'DROP DATABASE IF EXISTS "{name}"')
    postgres_admin(outer, f'CREATE DATABASE "{name}"')
    try:
        url = database_url(outer, name)
        events = 100_000 if ctx.quick else 1_000_000
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "takedown.settings",
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("TEST_DB_NAME", None)
        done = subprocess.run(
            [sys.executable, "-m", "bench.b_audit", "--child", str(events)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        f = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        postgres_admin(outer, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    share = 100 * f["audit_eps"] / f["plain_eps"]
    ratio = f["verify_s"] / f["copy_s"]
    return [
        Row(
            name="audit: append throughput, 16 writers", value=share, unit="% of plain", target=">= 90 %",
            baseline_name="plain ORM inserts, same shape", baseline_value=f["plain_eps"], ratio=share / 100,
            ok=share >= 90,
            note=(
                f"median of 5 paired rounds: {f['audit_eps']:.0f} vs {f['plain_eps']:.0f} events/s, "
                f"{f['append_events']} events each; rounds ranged "
                f"{100 * f['append_ratio_range'][0]:.0f}-{100 * f['append_ratio_range'][1]:.0f} %"
            ),
        ),
        Row(
            name=f"audit: verify {f['events']:,} events", value=f["verify_s"], unit="s", target="<= 2x COPY",
            baseline_name="COPY TO STDOUT", baseline_value=f["copy_s"], ratio=ratio, ok=ratio <= 2,
            note=f"sequencer: {f['sequence_eps']:.0f} events/s; {f['verify_eps']:.0f} events/s verified",
        ),
        Row(
            name="audit: checkpoint latency (max)", value=f["latency_max_s"], unit="s", target="<= 2 s",
            ok=f["latency_max_s"] <= 2,
            note=f"p50 {f['latency_p50_s']:.2f} s over {f['latency_events']} events, sequencer every 1 s",
        ),
    ]


# -- child --------------------------------------------------------------------------


def _child(events: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures: dict = {"events": events}
    figures.update(_append_throughput())
    figures.update(_checkpoint_latency())
    figures.update(_verification(events))
    return figures


def _plain_model():
    from django.db import connection, models

    with connection.cursor() as cursor:
        # Same columns, identity, defaults and indexes; no triggers and no CHECK
        # constraint (row against entry): those are the audit log's own machinery.
        cursor.execute(
            "CREATE TABLE bench_plain_event (LIKE audit_auditevent "
            "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
        )

    class PlainEvent(models.Model):
        created_at = models.DateTimeField()
        actor = models.CharField(max_length=64)
        code = models.CharField(max_length=64)
        target_type = models.CharField(max_length=40)
        target_id = models.CharField(max_length=64)
        details = models.JSONField(default=dict)
        entry = models.TextField()

        class Meta:
            app_label = "audit"
            db_table = "bench_plain_event"
            managed = False

        def __str__(self) -> str:
            return f"plain event {self.pk}"

    return PlainEvent


def _run_writers(write_one, per_writer: int) -> float:
    from django.db import connections

    barrier = threading.Barrier(WRITERS + 1)
    errors: list = []

    def writer(n: int) -> None:
        try:
            write_one(n, 0)  # open the connection before the clock starts
            barrier.wait()
            for i in range(per_writer):
                write_one(n, i)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return WRITERS * per_writer / elapsed


class _SequencerLoop:
    """The beat schedule's sequencer: one run per second, timing each commit."""

    def __init__(self, period: float = 1.0) -> None:
        self.period = period
        self.stop = threading.Event()
        self.runs: list[tuple[float, int]] = []  # (commit time, tree size)
        self.thread = threading.Thread(target=self._loop)

    def _loop(self) -> None:
        from django.db import connections

        from audit.sequencer import sequence_and_checkpoint

        try:
            while not self.stop.is_set():
                started = time.time()
                result = sequence_and_checkpoint()
                if result.checkpoint is not None:
                    self.runs.append((time.time(), result.checkpoint.tree_size))
                self.stop.wait(max(0.0, self.period - (time.time() - started)))
        finally:
            connections.close_all()

    def __enter__(self) -> _SequencerLoop:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _append_throughput() -> dict:
    from django.db import transaction
    from django.utils import timezone

    from audit.services import audit_record

    plain = _plain_model()
    per_writer = 150

    def audited(n: int, i: int) -> None:
        with transaction.atomic():
            audit_record(actor=f"user:{n}", code="bench.append", target=("thing", n), details={"i": i, "why": "bench"})

    def baseline(n: int, i: int) -> None:
        fields = {
            "created_at": timezone.now(), "actor": f"user:{n}", "code": "bench.append", "target_type": "thing",
            "target_id": str(n), "details": {"i": i, "why": "bench"},
        }
        # The same row a plain application would write: the columns and the event as
        # a JSON text beside them.
        with transaction.atomic():
            plain.objects.create(**fields, entry=json.dumps(fields, default=str, sort_keys=True))

    # Paired rounds in alternating order; the median of the per-round ratios resists a
    # disturbance (other processes on the machine) that hits one side of one round.
    ratios, audit_rates, plain_rates = [], [], []
    with _SequencerLoop():
        for round_number in range(5):
            if round_number % 2:
                audit_rate = _run_writers(audited, per_writer)
                plain_rate = _run_writers(baseline, per_writer)
            else:
                plain_rate = _run_writers(baseline, per_writer)
                audit_rate = _run_writers(audited, per_writer)
            audit_rates.append(audit_rate)
            plain_rates.append(plain_rate)
            ratios.append(audit_rate / plain_rate)
    middle = sorted(range(5), key=lambda i: ratios[i])[2]
    return {
        "audit_eps": audit_rates[middle],
        "plain_eps": plain_rates[middle],
        "append_events": WRITERS * per_writer,
        "append_ratio_range": [min(ratios), max(ratios)],
    }


def _checkpoint_latency() -> dict:
    import random

    from django.db import connections, transaction

    from audit.models import LogEntry
    from audit.services import audit_record

    commits: list[tuple[int, float]] = []  # (event id, commit time)
    lock = threading.Lock()

    def writer(n: int) -> None:
        rng = random.Random(n)
        try:
            for _ in range(25):
                with transaction.atomic():
                    event = audit_record(actor=f"user:{n}", code="bench.latency", target=("thing", n))
                with lock:
                    commits.append((event.pk, time.time()))
                time.sleep(rng.random() * 0.2)
        finally:
            connections.close_all()

    with _SequencerLoop() as loop:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(2.5)  # let the last runs cover the last events
    index_of = dict(LogEntry.objects.filter(event_id__in=[e for e, _ in commits]).values_list("event_id", "index"))
    latencies = []
    for event_id, committed in commits:
        index = index_of[event_id]
        covered = next(t for t, size in loop.runs if size > index)
        latencies.append(max(0.0, covered - committed))
    latencies.sort()
    return {
        "latency_max_s": latencies[-1],
        "latency_p50_s": latencies[len(latencies) // 2],
        "latency_events": len(latencies),
    }


def _verification(events: int) -> dict:
    from django.db import connection

    from audit.canonical import parse_canonical
    from audit.integrity import verify_log
    from audit.sequencer import sequence_and_checkpoint

    with connection.cursor() as cursor:
        # Each row with its entry, the canonical text audit_record would have written
        # (keys sorted, no spaces); the CHECK constraint checks every row against it
        # and a sample is parsed back below.
        cursor.execute(
            """
            INSERT INTO audit_auditevent (id, created_at, actor, code, target_type, target_id, details, entry)
            SELECT id, at, actor, code, 'complaint', target_id,
                   jsonb_build_object('n', g, 'priority', 'P' || (g %% 3), 'items', jsonb_build_array(g %% 7, 'x')),
                   '{"actor":"' || actor || '","code":"' || code || '","created_at":"'
                   || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                   || '","details":{"items":[' || (g %% 7) || ',"x"],"n":' || g || ',"priority":"P' || (g %% 3)
                   || '"},"id":' || id || ',"target_id":"' || target_id || '","target_type":"complaint"}'
              FROM (
                SELECT nextval('audit_auditevent_id_seq'::regclass) AS id, g,
                       date_trunc('milliseconds', now()) - make_interval(secs => %s - g) AS at,
                       'user:' || (g %% 97) AS actor,
                       (ARRAY['case.claimed', 'case.decided', 'complaint.received', 'case.viewed'])[1 + g %% 4] AS code,
                       (g %% 50000)::text AS target_id
                  FROM generate_series(1, %s) AS g
              ) AS rows
            """,
            [events, events],
        )
        cursor.execute("SELECT entry FROM audit_auditevent ORDER BY random() LIMIT 100")
        for (entry,) in cursor.fetchall():
            parse_canonical(entry.encode())  # raises unless byte-for-byte canonical
    start = time.perf_counter()
    while sequence_and_checkpoint(max_events=100_000, batch_size=20_000).sequenced:
        pass
    sequence_s = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_logentry")
        total = cursor.fetchone()[0]

    class Sink:
        def write(self, data) -> int:
            return len(data)

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by now: visibility map and statistics
    copy_times, verify_times = [], []
    for _ in range(3):  # alternating, best of three each
        connection.ensure_connection()
        start = time.perf_counter()
        with connection.connection.cursor() as cursor:
            cursor.copy_expert("COPY (SELECT * FROM audit_auditevent) TO STDOUT", Sink())
        copy_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = verify_log()
        verify_times.append(time.perf_counter() - start)
        if not report.ok:
            raise RuntimeError(report.summary())
    return {
        "events": total,
        "copy_s": min(copy_times),
        "verify_s": min(verify_times),
        "verify_eps": total / min(verify_times),
        "sequence_eps": events / sequence_s,
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_child(int(sys.argv[2]))))
    else:
        from bench.common import Context as _Context

        for row in run(_Context()):
            print(row)
