"""Multi-row upserts for the counters and baselines (PostgreSQL and SQLite alike)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

# SQLite binds at most 32766 variables a statement.
_SQLITE_MAX_VARIABLES = 32_000


def upsert(table: str, columns: Sequence[str], conflict: Sequence[str], rows: Sequence[Sequence], set_sql: str) -> None:
    """INSERT ``rows`` into ``table``; on a ``conflict`` apply ``set_sql`` (may use ``excluded.``).

    Pass rows sorted by the conflict key: concurrent callers then lock rows in the same
    order and cannot deadlock. Call inside a transaction.
    """
    if not rows:
        return
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    tail = f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {set_sql}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, head + "%s" + tail, rows, page_size=1000)
            return
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        step = max(1, _SQLITE_MAX_VARIABLES // len(columns))
        for i in range(0, len(rows), step):
            chunk = rows[i : i + step]
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, [v for row in chunk for v in row])
