"""Screening throughput: 280-character posts screened per second through gunicorn.

The product's real stack: gunicorn serving takedown.wsgi, the host platform's token,
the screening policy from the database (cached per process), staydown fingerprints
of a decided case, and 1,000 protected persons (SPEC section 6). The load is a realistic
mix: most posts are ordinary prose; one in ten carries a phone number (a "warn", which is
audited), one in twenty-five names a protected person (a "warn") and one in fifty
re-posts a removed ID number (a staydown "block", audited). The load generator runs in
two other processes on the same two cores.

The scratch database is ``<BENCH_DB_PREFIX>_screening`` (prefix "bench" by default), so
runs from several checkouts against one server do not collide.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
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

SECONDS = 10.0
DB_NAME = os.environ.get("BENCH_DB_PREFIX", "bench") + "_screening"
PROTECTED_NAMES = 1000
# As the production image runs it (Dockerfile): 4 gthread workers x 4 threads.
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 4
ID_NUMBER = "11010519491231002X"

_PROSE_EN = (
    "Spent the afternoon walking along the river with friends, then we found a tiny noodle "
    "place near the old bridge. The broth was rich, the staff were kind, and the rain held off "
    "until we got home. Thinking about going back next weekend to try the dumplings they recommend. "
)
_PROSE_ZH = "今天和朋友们去西湖边散步，天气很好，湖面上有很多船。晚上在一家小面馆吃了牛肉面，汤很浓，老板人也很热情。下周末还想再去一次，尝尝他们推荐的饺子和小笼包。"

_SETUP = f"""
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from complaints.services import ComplaintInput, complaint_submit
from prevention.interventions import protection_activate
from prevention.staydown import record_removed_values
from types import SimpleNamespace
user = User.objects.create_user("bench-platform")
user.groups.add(Group.objects.get_or_create(name="platform")[0])
print(Token.objects.create(user=user, key="b" * 40).key)
complaint = complaint_submit(data=ComplaintInput(
    complainant_name="Wang Fang", complainant_email="w@example.com",
    items=[("https://social.example/p/1", "")], disclosed_info=["id_number"],
    explanation="ID posted", evidence_excerpt="ID {ID_NUMBER}", good_faith_declaration=True,
), channel="api").complaint
record_removed_values(SimpleNamespace(complaint=complaint, measure="remove", pk=1))
protection_activate(complaint=complaint)
# Further protected persons, as many protections would leave them (names from Faker).
from datetime import timedelta
from django.utils import timezone
from faker import Faker
from prevention.models import Intervention
zh, en = Faker("zh_CN"), Faker("en_US")
zh.seed_instance(3)
en.seed_instance(3)
now = timezone.now()
Intervention.objects.bulk_create(
    Intervention(kind="victim_protection", target=f"case:bench-{{i}}", reason="bench",
                 params={{"restrictions": ["stranger_messages"]}}, complaint=complaint,
                 protected_name=zh.name() if i % 2 else en.name(), starts_at=now,
                 expires_at=now + timedelta(days=30), created_actor="bench")
    for i in range({PROTECTED_NAMES} - 1)
)
"""


def post(i: int) -> dict:
    if i % 50 == 7:
        text = f"又有人发出来了：{ID_NUMBER} "
    elif i % 25 == 11:
        text = "说的就是 Wang Fang 这个人，" if i % 2 else "Everyone, this is about Wang Fang. "
    elif i % 10 == 3:
        text = "If anyone wants to reach him his number is 139 1234 5678. "
    else:
        text = ""
    base = _PROSE_ZH if i % 2 else _PROSE_EN
    text = (text + base * 3)[:280]
    return {"text": text, "context": "post" if i % 4 else "comment", "language": "zh-hans" if i % 2 else "en",
            "author": f"user-{i % 500}"}


def _requests(port: int, token: str) -> list[bytes]:
    """Whole HTTP requests, built once: the client then only writes and reads bytes."""
    out = []
    for i in range(400):
        body = json.dumps(post(i)).encode()
        head = (
            f"POST /api/v1/screen/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Token {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.append(head + body)
    return out


def _client(port: int, requests: list[bytes], seconds: float, connections: int, queue) -> None:
    """Keep-alive connections on raw sockets, one thread each, one request in flight per
    connection. Far cheaper per request than http.client, so the two cores go to the
    server rather than to the load generator."""

    totals = {"ok": 0, "err": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop(offset: int) -> None:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ok = err = 0
        i = offset
        buffer = b""
        while time.monotonic() < stop:
            sock.sendall(requests[i % len(requests)])
            i += connections
            while b"\r\n\r\n" not in buffer:
                buffer += sock.recv(65536)
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            while len(buffer) < length:
                buffer += sock.recv(65536)
            buffer = buffer[length:]
            if head.startswith(b"HTTP/1.1 200"):
                ok += 1
            else:
                err += 1
        sock.close()
        with lock:
            totals["ok"] += ok
            totals["err"] += err

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((totals["ok"], totals["err"]))


def _load(port: int, token: str, seconds: float, processes: int = 2, connections: int = 4) -> tuple[int, int, float]:
    requests = _requests(port, token)
    queue: multiprocessing.Queue = multiprocessing.Queue()
    mp = multiprocessing.get_context("fork")
    started = time.perf_counter()
    procs = [mp.Process(target=_client, args=(port, requests[n::processes], seconds, connections, queue))
             for n in range(processes)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
    return sum(r[0] for r in results), sum(r[1] for r in results), time.perf_counter() - started


def run(ctx: Context) -> list[Row]:
    if ctx.on_postgres:
        url = recreate_postgres_database(ctx.database_url, DB_NAME)
        env = base_env(DATABASE_URL=url)
        where = "PostgreSQL"
    else:
        env = base_env(TAKEDOWN_VAR_DIR=tempfile.mkdtemp(prefix="bench-screening-"))
        env.pop("DATABASE_URL", None)
        where = "SQLite (set DATABASE_URL for PostgreSQL)"
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        subprocess.run([sys.executable, "manage.py", "shell", "-c", _SETUP], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        token = "b" * 40
        seconds = 3.0 if ctx.quick else SECONDS
        with gunicorn(env, workers=GUNICORN_WORKERS, threads=GUNICORN_THREADS) as base:
            port = int(base.rsplit(":", 1)[1])
            _load(port, token, 1.0)  # warm the caches of both workers
            ok, errors, elapsed = _load(port, token, seconds)
    finally:
        if ctx.on_postgres:
            drop_postgres_database(ctx.database_url, DB_NAME)
    rate = ok / elapsed
    note = (
        f"{ok} screened, {errors} errors; {where}; "
        f"{PROTECTED_NAMES} protected names; posts: 84% prose, 10% phone (warn), "
        f"4% a protected name (warn), 2% staydown ID (block); "
        f"{GUNICORN_WORKERS} gunicorn gthread workers x {GUNICORN_THREADS} threads (as in production), {os.cpu_count()} cores shared with the load generator "
        f"(2 processes x 4 keep-alive connections)"
    )
    return [
        Row("screening: 280-char posts/s via API", rate, "/s", ">= 2,000/s", ok=rate >= 2000 and errors == 0, note=note),
    ]
