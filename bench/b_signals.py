"""Trend detection: signals ingested per second, and how fast a planted spike is alerted.

Ingestion: batches of 10,000 signals (2,000 targets, all five types) POSTed to the real
API under gunicorn by two client processes; counted in Redis when REDIS_URL is set,
else by upsert into the database. The baseline is parsing the same bodies with
``json.loads`` alone, in one process: the floor any JSON endpoint pays.

Detection: a synthetic stream of 40 minutes (300 targets with Poisson activity of very
different rates) is fed bucket by bucket through the real counting and the real
detector, in stream time. At minute 30 one ordinary target starts rising to about eight
times its rate over half a minute. Reported: seconds from onset to the alert, and alerts
on any other target or before the onset (false alerts, target 0).
"""

from __future__ import annotations

import http.client
import json
import math
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time

from bench.common import Context, Row
from bench.http import (
    ROOT,
    base_env,
    drop_postgres_database,
    gunicorn,
    manage,
    recreate_postgres_database,
)

DB_NAME = "bench_signals"
BATCH = 10_000
TARGETS = 2_000
SECONDS = 8.0


def _batch(seed: int) -> bytes:
    rng = random.Random(seed)
    now = int(time.time())
    kinds = ("post", "share", "search", "comment", "report")
    items = [
        {"type": kinds[rng.randrange(5)], "target": f"topic:{rng.randrange(TARGETS)}", "at": now - rng.randrange(60)}
        for _ in range(BATCH)
    ]
    return json.dumps({"signals": items}).encode()


def _client(port: int, bodies: list[bytes], token: str, seconds: float, queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    ok = err = 0
    stop = time.monotonic() + seconds
    i = 0
    while time.monotonic() < stop:
        conn.request("POST", "/api/v1/signals/", body=bodies[i % len(bodies)], headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status == 202:
            ok += 1
        else:
            err += 1
        i += 1
    queue.put((ok, err))


def _ingest(ctx: Context, env: dict[str, str]) -> Row:
    token = "s" * 40
    setup = (
        "from django.contrib.auth.models import Group, User\n"
        "from rest_framework.authtoken.models import Token\n"
        "u = User.objects.create_user('bench-signals')\n"
        "u.groups.add(Group.objects.get_or_create(name='platform')[0])\n"
        f"Token.objects.create(user=u, key='{token}')\n"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", setup], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    bodies = [_batch(seed) for seed in range(4)]
    start = time.perf_counter()
    for body in bodies * 5:
        json.loads(body)
    parse_per_second = 20 * BATCH / (time.perf_counter() - start)
    seconds = 3.0 if ctx.quick else SECONDS
    queue: multiprocessing.Queue = multiprocessing.Queue()
    mp = multiprocessing.get_context("fork")
    with gunicorn(env, workers=2, threads=1) as base:
        port = int(base.rsplit(":", 1)[1])
        _client(port, bodies[:1], token, 0.5, queue)  # warm up
        queue.get()
        started = time.perf_counter()
        procs = [mp.Process(target=_client, args=(port, bodies, token, seconds, queue)) for _ in range(2)]
        for p in procs:
            p.start()
        results = [queue.get(timeout=seconds + 60) for _ in procs]
        for p in procs:
            p.join()
        elapsed = time.perf_counter() - started
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    rate = ok * BATCH / elapsed
    store = "Redis" if env.get("REDIS_URL") else ("PostgreSQL upsert" if ctx.on_postgres else "SQLite upsert")
    return Row(
        "signals: ingested/s via API", rate, "/s", ">= 50,000/s", "json.loads of the same bodies",
        parse_per_second, rate / parse_per_second, ok=rate >= 50_000 and errors == 0,
        note=f"{ok} batches of {BATCH:,} ({TARGETS:,} targets), {errors} errors; counted in {store}; "
        f"2 gunicorn workers, {os.cpu_count()} cores shared with 2 client processes",
    )


# --- Detection, run in a child process with its own database ----------------------------------


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def detection_experiment() -> dict:
    import django

    django.setup()
    from prevention import signals
    from prevention.detection import LATENESS_SECONDS, detect_spikes

    rng = random.Random(2026)
    width = signals.bucket_seconds()
    minutes = 40
    onset_minute = 30
    start = (int(time.time()) - (minutes + 5) * 60) // width * width
    rates = {f"topic:{i}": rng.choice((0.2, 0.5, 1, 2, 5, 10, 20, 40)) * rng.uniform(0.7, 1.3) for i in range(300)}
    spiked = "topic:17"
    rates[spiked] = 6.0
    onset = start + onset_minute * 60
    first_alert_at = None
    false_alerts = []
    scoring = 0.0
    for i in range(minutes * 60 // width):
        bucket = start + i * width
        counts = {}
        for target, lam in rates.items():
            if target == spiked and bucket >= onset:
                lam = lam * min(8.0, 1 + 7 * (bucket - onset + width) / 30)
            n = _poisson(rng, lam)
            if n:
                counts[(target, bucket, "share" if n % 2 else "post")] = n
        signals.count_signals(counts)
        t = time.perf_counter()
        alerts = detect_spikes(now=bucket + width + LATENESS_SECONDS)
        scoring += time.perf_counter() - t
        for alert in alerts:
            if alert.target == spiked and bucket >= onset and first_alert_at is None:
                # Beat runs the detector every 10 s: the alert exists once its bucket is scored.
                first_alert_at = bucket + width + LATENESS_SECONDS
            elif alert.target != spiked or bucket < onset:
                false_alerts.append(alert.target)
    return {
        "latency": None if first_alert_at is None else first_alert_at - onset,
        "false_alerts": false_alerts,
        "targets": len(rates),
        "buckets": minutes * 60 // width,
        "scoring_ms_per_bucket": 1000 * scoring / (minutes * 60 // width),
    }


def _detect(ctx: Context) -> list[Row]:
    env = base_env()
    # Counted in the database here, so the experiment never touches a shared Redis.
    env.pop("REDIS_URL", None)
    if ctx.on_postgres:
        env["DATABASE_URL"] = recreate_postgres_database(ctx.database_url, DB_NAME + "_detect")
    else:
        env["TAKEDOWN_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-detect-")
        env.pop("DATABASE_URL", None)
    try:
        manage(env, "migrate", "--noinput")
        out = subprocess.run(
            [sys.executable, "-c", "import json, bench.b_signals as b; print(json.dumps(b.detection_experiment()))"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    finally:
        if ctx.on_postgres:
            drop_postgres_database(ctx.database_url, DB_NAME + "_detect")
    result = json.loads(out)
    latency = result["latency"]
    note = (
        f"{result['targets']} targets x {result['buckets']} buckets of stream time; "
        f"detector {result['scoring_ms_per_bucket']:.1f} ms per 10-s bucket"
    )
    return [
        Row("signals: planted spike alerted after", float("nan") if latency is None else latency, "s",
            "<= 60 s after onset", ok=latency is not None and latency <= 60, note=note),
        Row("signals: false alerts on steady targets", len(result["false_alerts"]), "alerts", "0",
            ok=not result["false_alerts"], note=", ".join(result["false_alerts"][:10])),
    ]


def run(ctx: Context) -> list[Row]:
    rows = []
    if ctx.on_postgres:
        env = base_env(DATABASE_URL=recreate_postgres_database(ctx.database_url, DB_NAME))
    else:
        env = base_env(TAKEDOWN_VAR_DIR=tempfile.mkdtemp(prefix="bench-signals-"))
        env.pop("DATABASE_URL", None)
    if ctx.redis_url:
        env["REDIS_URL"] = ctx.redis_url
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        rows.append(_ingest(ctx, env))
    finally:
        if ctx.on_postgres:
            drop_postgres_database(ctx.database_url, DB_NAME)
    rows.extend(_detect(ctx))
    return rows
