"""PostgreSQL goes away under load: clients get 503 with Retry-After, never a 500, and
no complaint is half-written.

The shared PostgreSQL server cannot be restarted safely while others use it, so the
app reaches it through a TCP proxy this test controls (tests/security/processes.py).
Cutting the proxy resets every open connection and refuses new ones, which is what
the app sees during a restart or failover. Bounded: about half a minute, loopback only.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.security.processes import (
    TcpProxy,
    app_env,
    complaint_body,
    drop_postgres_database,
    free_port,
    gunicorn_cmd,
    manage,
    post_json,
    postgres_url,
    recreate_postgres_database,
    running,
    wait_http,
    with_database,
)

pytestmark = [pytest.mark.fault, pytest.mark.postgres]
DB_NAME = "test_security_fault_pg"


def load(url: str, stop: threading.Event, phase: list[str], results: list, lock: threading.Lock, worker: int) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        started_in = phase[0]
        status, headers, body = post_json(url, complaint_body(worker * 100_000 + n), timeout=20)
        with lock:
            results.append((started_in, phase[0], status, headers, body))
        time.sleep(0.01)


def test_postgres_cut_under_load_gives_503_with_retry_after_and_no_half_written_complaint(tmp_path):
    server = postgres_url()
    if server is None:
        pytest.skip("needs PostgreSQL: set DATABASE_URL to a reachable postgres:// server")
    import psycopg2

    database = recreate_postgres_database(server, DB_NAME)
    try:
        env = app_env(tmp_path, DATABASE_URL=database, REDIS_URL=None, RATE_LIMITS_ENABLED="false")
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        parts = urlsplit(database)
        with TcpProxy(parts.hostname, parts.port or 5432) as proxy:
            app_env_proxied = dict(env, DATABASE_URL=with_database(database, DB_NAME, host="127.0.0.1", port=proxy.port))
            port = free_port()
            with running(gunicorn_cmd(port, workers=2, threads=4), app_env_proxied, tmp_path / "gunicorn.log"):
                wait_http(f"http://127.0.0.1:{port}/healthz")
                url = f"http://127.0.0.1:{port}/api/v1/complaints/"
                stop, lock, phase, results = threading.Event(), threading.Lock(), ["before"], []
                threads = [threading.Thread(target=load, args=(url, stop, phase, results, lock, w)) for w in range(6)]
                for t in threads:
                    t.start()
                time.sleep(3)
                phase[0] = "cut"
                proxy.cut()
                time.sleep(3)
                phase[0] = "after"
                proxy.restore()
                time.sleep(5)
                stop.set()
                for t in threads:
                    t.join(timeout=30)
            log = (tmp_path / "gunicorn.log").read_text(errors="replace")

        statuses = [r[2] for r in results]
        assert set(statuses) <= {201, 503}, f"unexpected statuses {sorted(set(statuses))}\n{log[-3000:]}"
        refused = [r for r in results if r[2] == 503]
        assert refused, "the cut was never seen by a client"
        for _, _, _, headers, body in refused:
            assert int(headers.get("Retry-After", "0")) >= 1
            assert body["error"]["code"] == "unavailable"
        # Service comes back on its own: everything started well after the restore succeeds.
        after = [r for r in results if r[0] == "after"]
        assert after and all(r[2] == 201 for r in after[len(after) // 2:])
        assert "Traceback" not in log

        acknowledged = {r[4]["reference"] for r in results if r[2] == 201}
        connection = psycopg2.connect(database)
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT id, extract(year from received_at)::int FROM complaints_complaint")
            stored = {f"TD-{year}-{pk:06d}" for pk, year in cursor.fetchall()}
            cursor.execute(
                "SELECT count(*) FROM complaints_complaint c WHERE NOT EXISTS "
                "(SELECT 1 FROM complaints_complaintitem i WHERE i.complaint_id = c.id)"
            )
            without_items = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM complaints_complaint c WHERE NOT EXISTS (SELECT 1 FROM audit_auditevent e "
                "WHERE e.target_type = 'complaint' AND e.target_id = c.id::text AND e.code = 'complaint.submitted')"
            )
            without_event = cursor.fetchone()[0]
        connection.close()
        assert acknowledged <= stored, "an acknowledged complaint was lost"
        # A request cut between COMMIT and its answer is stored but answered 503: the client
        # retries and files again. Such rows are whole, and there can be at most one per refusal.
        assert len(stored - acknowledged) <= len(refused)
        assert without_items == 0 and without_event == 0, "half-written complaint"
        print(f"\n{len(results)} requests: {len(acknowledged)} acknowledged, {len(refused)} refused with 503, "
              f"{len(stored)} stored, {len(stored - acknowledged)} stored but answered 503")
    finally:
        drop_postgres_database(server, DB_NAME)
