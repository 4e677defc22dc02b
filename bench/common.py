"""Shared pieces of the benchmark harness.

Every module named ``bench/b_*.py`` exposes ``run(ctx: Context) -> list[Row]``.
``python -m bench`` imports them in name order, runs each, and prints one table.
A row compares a figure against a baseline measured in the same run whenever the
quality bar is stated as a ratio.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import SplitResult


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    baseline_name: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    ok: bool | None = None
    note: str = ""


@dataclass
class Context:
    """What a bench module may rely on: the database URL (PostgreSQL when set)."""

    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", ""))
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", ""))
    quick: bool = field(default_factory=lambda: os.environ.get("BENCH_QUICK") == "1")

    @property
    def on_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    elapsed: list[float] = []
    yield lambda: elapsed[0] if elapsed else time.perf_counter() - start
    elapsed.append(time.perf_counter() - start)


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Smallest wall time of ``repeats`` calls: the least disturbed measurement."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def postgres_admin(outer: SplitResult, sql: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) on the server of ``outer`` as its owner."""
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user=outer.username, password=outer.password,
                            host=outer.hostname, port=outer.port or 5432)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def database_url(outer: SplitResult, name: str) -> str:
    """The URL of database ``name`` on the server of ``outer``."""
    auth = (outer.username or "") + (f":{outer.password}" if outer.password else "")
    return f"postgres://{auth + '@' if auth else ''}{outer.hostname}:{outer.port or 5432}/{name}"
