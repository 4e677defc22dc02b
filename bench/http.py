"""Serving the product under gunicorn on loopback and loading it, for the benchmarks.

The load generator runs in separate processes with keep-alive connections, so the
figures measure the server, not connection set-up. Everything is bounded in time and
talks only to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import database_url, postgres_admin

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_postgres_database(base_url: str, name: str) -> str:
    """A fresh, empty database ``name`` beside the one ``base_url`` names; returns its URL."""
    outer = urlsplit(base_url)
    postgres_admin(outer, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    postgres_admin(outer, f'CREATE DATABASE "{name}"')
    return database_url(outer, name)


def drop_postgres_database(base_url: str, name: str) -> None:
    postgres_admin(urlsplit(base_url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, threads: int = 4, app: str = "takedown.wsgi:application"):
    """A gunicorn serving ``app`` on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
         "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _worker(url: str, path: str, bodies: list[bytes], headers: dict[str, str], seconds: float,
            connections: int, queue: Any) -> None:
    import threading

    parts = urlsplit(url)
    counts = {"ok": 0, "err": 0}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(offset: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        i = offset
        ok = err = 0
        local: dict[int, int] = {}
        while time.monotonic() < stop_at:
            body = bodies[i % len(bodies)]
            i += connections
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                local[response.status] = local.get(response.status, 0) + 1
                if 200 <= response.status < 300:
                    ok += 1
                else:
                    err += 1
            except (OSError, http.client.HTTPException):
                err += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.close()
        with lock:
            counts["ok"] += ok
            counts["err"] += err
            for k, v in local.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((counts["ok"], counts["err"], statuses))


def post_load(url: str, path: str, make_body: Callable[[int], Any], *, seconds: float = 10.0,
              processes: int = 2, connections: int = 8, headers: dict[str, str] | None = None) -> LoadResult:
    """POST JSON bodies to ``url + path`` for ``seconds`` from ``processes`` x ``connections``."""
    bodies = [json.dumps(make_body(i)).encode() for i in range(2000)]
    headers = {"Content-Type": "application/json", **(headers or {})}
    queue: multiprocessing.Queue = multiprocessing.Queue()
    ctx = multiprocessing.get_context("fork")
    started = time.perf_counter()
    procs = [ctx.Process(target=_worker, args=(url, path, bodies[n::processes], headers, seconds, connections, queue))
             for n in range(processes)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for _ok, _err, s in results:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    return LoadResult(sum(r[0] for r in results), sum(r[1] for r in results), elapsed, statuses)


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "takedown.settings",
            "RATE_LIMITS_ENABLED": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
        }
    )
    env.update(extra)
    return env
