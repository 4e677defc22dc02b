"""``make soak``: a bounded load at 70 % of measured capacity against gunicorn on loopback.

    python -m bench.soak [--minutes 10] [--fraction 0.7] [--probe-seconds 20]

1. Starts gunicorn on a throwaway database (a fresh PostgreSQL database ``takedown_soak``
   when DATABASE_URL points at PostgreSQL, else a SQLite file) with rate limits off.
2. Measures capacity: closed-loop clients filing complaints through the API as fast as
   the server answers, for ``--probe-seconds``.
3. Soaks: an open-loop pacer files complaints at ``fraction`` x capacity for
   ``--minutes``, sampling the resident memory of gunicorn and its workers.
4. Checks: zero errors, flat memory (the last fifth of the run within 10 % or 16 MiB of
   the first fifth after warm-up), and complaints stored == complaints acknowledged.

Prints the figures and exits non-zero if a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.security.processes import (
    app_env,
    complaint_body,
    drop_postgres_database,
    free_port,
    gunicorn_cmd,
    manage,
    postgres_url,
    recreate_postgres_database,
    rss_kib,
    running,
    wait_http,
)

SOAK_DB = "takedown_soak"
PATH = "/api/v1/complaints/"


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    references: set[str] = field(default_factory=set)
    finished: list[float] = field(default_factory=list)

    def record(self, status: int | str, latency: float, reference: str | None) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.finished.append(time.perf_counter())
            if status == 201 and reference:
                self.ok += 1
                self.references.add(reference)
            else:
                self.errors[str(status)] = self.errors.get(str(status), 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class Client:
    """One keep-alive connection; reconnects after any failure."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.counter = 0

    def file(self, n: int) -> tuple[int | str, str | None]:
        body = json.dumps(complaint_body(n))
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.connection.request("POST", PATH, body=body, headers={"Content-Type": "application/json"})
                response = self.connection.getresponse()
                raw = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                reference = json.loads(raw).get("reference") if response.status == 201 else None
                return response.status, reference
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                # A keep-alive connection the server closed while idle: the request was not
                # read, so sending it again on a new connection is safe. Only once.
                if self.connection:
                    self.connection.close()
                self.connection = None
                if attempt == 2:
                    return type(exc).__name__, None
            except Exception as exc:  # noqa: BLE001 (every failure is counted, none stops the run)
                if self.connection:
                    self.connection.close()
                self.connection = None
                return type(exc).__name__, None
        return "unreachable", None


_sequence = iter(range(10**12))
_sequence_lock = threading.Lock()


def next_number() -> int:
    with _sequence_lock:
        return next(_sequence)


def measure_capacity(port: int, seconds: float, clients: int) -> float:
    tally = Tally()
    stop = threading.Event()

    def run() -> None:
        client = Client(port)
        while not stop.is_set():
            started = time.perf_counter()
            status, reference = client.file(next_number())
            tally.record(status, time.perf_counter() - started, reference)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if tally.error_count:
        print(f"  capacity probe saw errors: {tally.errors}")
    return tally.ok / elapsed, tally


def soak(port: int, rate: float, seconds: float, clients: int, server_pid: int, sample_every: float):
    tally = Tally()
    tickets: queue.Queue = queue.Queue()
    stop = threading.Event()
    samples: list[tuple[float, int]] = []
    backlog_max = 0

    def work() -> None:
        client = Client(port)
        while True:
            due = tickets.get()
            if due is None:
                return
            started = time.perf_counter()
            status, reference = client.file(next_number())
            # Latency counts from when the request was due, so a backlog shows up.
            tally.record(status, time.perf_counter() - min(due, started), reference)

    workers = [threading.Thread(target=work) for _ in range(clients)]
    for w in workers:
        w.start()
    start = time.perf_counter()
    interval = 1.0 / rate
    next_due = start
    next_sample = start
    sent = 0
    while True:
        now = time.perf_counter()
        if now - start >= seconds:
            break
        if now >= next_sample:
            samples.append((now - start, rss_kib(server_pid)))
            next_sample += sample_every
        if now >= next_due:
            tickets.put(next_due)
            sent += 1
            next_due += interval
            backlog_max = max(backlog_max, tickets.qsize())
        else:
            time.sleep(min(next_due - now, 0.005))
    stop.set()
    for _ in workers:
        tickets.put(None)
    for w in workers:
        w.join()
    samples.append((time.perf_counter() - start, rss_kib(server_pid)))
    return tally, samples, sent, time.perf_counter() - start, backlog_max, start


def stored_complaints(database_url: str) -> int:
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]
    import psycopg2

    connection = psycopg2.connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM complaints_complaint")
        count = cursor.fetchone()[0]
    connection.close()
    return count


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def memory_verdict(samples: list[tuple[float, int]]) -> tuple[bool, int, int, float]:
    """(flat?, early KiB, late KiB, growth %): first fifth after warm-up vs the last fifth."""
    usable = samples[max(1, len(samples) // 10):]  # skip warm-up (imports, first allocations)
    fifth = max(1, len(usable) // 5)
    early = int(statistics.median(v for _, v in usable[:fifth]))
    late = int(statistics.median(v for _, v in usable[-fifth:]))
    growth = (late - early) / early * 100 if early else 0.0
    return (late - early) <= max(0.10 * early, 16 * 1024), early, late, growth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--fraction", type=float, default=0.7, help="share of measured capacity to hold")
    parser.add_argument("--probe-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--sample-seconds", type=float, default=5.0, help="RSS sampling interval")
    args = parser.parse_args(argv)

    server = postgres_url()
    with tempfile.TemporaryDirectory(prefix="takedown-soak-") as tmp:
        var = Path(tmp)
        if server:
            database = recreate_postgres_database(server, SOAK_DB)
            engine = "PostgreSQL"
        else:
            database = f"sqlite:///{var / 'soak.sqlite3'}"
            engine = "SQLite"
        env = app_env(var, DATABASE_URL=database, REDIS_URL=None, RATE_LIMITS_ENABLED="false",
                      EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", LOG_LEVEL="WARNING")
        try:
            print(f"soak: preparing a fresh {engine} database ...", flush=True)
            manage(env, "migrate", "--noinput")
            manage(env, "createcachetable")
            port = free_port()
            cmd = gunicorn_cmd(port, workers=args.workers, threads=args.threads)
            cmd[cmd.index("--access-logfile") + 1] = "/dev/null"
            with running(cmd, env, var / "gunicorn.log") as gunicorn:
                wait_http(f"http://127.0.0.1:{port}/healthz")
                print(f"soak: gunicorn {args.workers} workers x {args.threads} threads on 127.0.0.1:{port}")
                measure_capacity(port, 3, args.clients)  # warm-up: imports, connections, caches
                capacity, probe = measure_capacity(port, args.probe_seconds, args.clients)
                rate = capacity * args.fraction
                print(f"soak: capacity {capacity:.0f} complaints/s (p50 {percentile(probe.latencies, .5) * 1000:.0f} ms); "
                      f"holding {rate:.0f}/s ({args.fraction:.0%}) for {args.minutes:g} min", flush=True)
                before = stored_complaints(database)
                tally, samples, sent, elapsed, backlog, started = soak(
                    port, rate, args.minutes * 60, args.clients, gunicorn.pid, args.sample_seconds
                )
                after = stored_complaints(database)
                server_log = (var / "gunicorn.log").read_text(errors="replace")
        finally:
            if server:
                drop_postgres_database(server, SOAK_DB)

    stored = after - before
    flat, early, late, growth = memory_verdict(samples)
    per_minute = [0] * (int(elapsed // 60) + 1)
    for moment in tally.finished:
        per_minute[min(len(per_minute) - 1, int((moment - started) // 60))] += 1
    checks = {
        # At 70 % of capacity the server must keep pace: a growing backlog means the
        # capacity fell during the run (or the probe overestimated it).
        "kept pace": tally.ok / elapsed >= 0.97 * rate and backlog <= max(50, rate * 5),
        "zero errors": tally.error_count == 0,
        "flat memory": flat,
        "stored == acknowledged": stored == tally.ok == len(tally.references),
        "no server tracebacks": "Traceback" not in server_log,
    }
    print()
    print(f"  database                {engine}")
    print(f"  capacity (probe)        {capacity:10.1f} complaints/s")
    print(f"  target rate             {rate:10.1f} complaints/s ({args.fraction:.0%})")
    print(f"  achieved rate           {tally.ok / elapsed:10.1f} complaints/s over {elapsed:.0f} s")
    print(f"  requests sent           {sent:10d}")
    print(f"  acknowledged (201)      {tally.ok:10d}")
    print(f"  errors                  {tally.error_count:10d} {tally.errors or ''}")
    print(f"  latency p50/p95/p99     {percentile(tally.latencies, .5) * 1000:.0f} / "
          f"{percentile(tally.latencies, .95) * 1000:.0f} / {percentile(tally.latencies, .99) * 1000:.0f} ms")
    print(f"  largest backlog         {backlog:10d} requests")
    print(f"  server RSS early/late   {early / 1024:.1f} / {late / 1024:.1f} MiB ({growth:+.1f} %), "
          f"{len(samples)} samples")
    print(f"  stored in database      {stored:10d}")
    print(f"  answered per minute     {' '.join(str(n) for n in per_minute)}")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
