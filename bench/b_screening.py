"""Screening throughput: 280-character posts screened per second through gunicorn.

The product's real stack: gunicorn serving takedown.wsgi, the host platform's token,
the screening policy from the database (cached per process), staydown fingerprints
of a decided case, and 1,000 protected persons (SPEC section 6). The load is a realistic
mix: most posts are ordinary prose; one in ten carries a phone number (a "warn", which is
audited), one in twenty-five names a protected person (a "warn") and one in fifty
re-posts a removed ID number (a staydown "block", audited). The load generator runs in
two other processes on the same two cores.

The same run then makes the desk serve a group (SPEC section 1): nine more platforms, all
ten sharing staydown, and a shared staydown bank of 1,000,000 fingerprints; the same load,
each request under one of the ten platforms' tokens in turn, is measured against the
single-platform figure of the same run.

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
GROUP_PLATFORMS = 10
GROUP_FINGERPRINTS = 1_000_000
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

# The group: the default platform and nine more share staydown; the bank holds a million
# removed values (keyed digests, as ``record_removed_values`` stores them) besides the case's.
_GROUP_SETUP = f"""
import json, secrets
from django.db import connection
from complaints.models import Complaint
from hostplatform.models import Platform
from hostplatform.platforms import default_platform, platform_create, platform_update
platform_update(platform=default_platform(), shares_staydown=True)
tokens = [platform_create(slug=f"group-{{n}}", domains=[f"group-{{n}}.example"], shares_staydown=True).token
          for n in range(1, {GROUP_PLATFORMS})]
complaint = Complaint.objects.order_by("pk").first()
rows = ((secrets.token_hex(32), "phone", complaint.pk, complaint.reference) for _ in range({GROUP_FINGERPRINTS}))
with connection.cursor() as cursor:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 20000:
            cursor.executemany(
                "INSERT INTO prevention_fingerprint (digest, kind, complaint_id, case_reference, active, created_at) "
                "VALUES (%s, %s, %s, %s, true, CURRENT_TIMESTAMP)", batch)
            batch = []
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE prevention_fingerprint")
print(json.dumps(tokens))
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


def _requests(port: int, tokens: list[str]) -> list[bytes]:
    """Whole HTTP requests, built once: the client then only writes and reads bytes. With
    several tokens, each request is sent under the next platform's in turn."""
    out = []
    for i in range(400):
        body = json.dumps(post(i)).encode()
        token = tokens[i % len(tokens)]
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


def _load(port: int, tokens: list[str], seconds: float, processes: int = 2, connections: int = 4
          ) -> tuple[int, int, float]:
    requests = _requests(port, tokens)
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
        tokens = ["b" * 40]
        seconds = 3.0 if ctx.quick else SECONDS
        ok, errors, elapsed = _measure(env, tokens, seconds)
        group = subprocess.run([sys.executable, "manage.py", "shell", "-c", _GROUP_SETUP], cwd=ROOT, env=env,
                               check=True, capture_output=True, text=True)
        tokens += json.loads(group.stdout.strip().splitlines()[-1])
        group_ok, group_errors, group_elapsed = _measure(env, tokens, seconds)
    finally:
        if ctx.on_postgres:
            drop_postgres_database(ctx.database_url, DB_NAME)
    rate = ok / elapsed
    group_rate = group_ok / group_elapsed
    ratio = group_rate / rate if rate else None
    note = (
        f"{ok} screened, {errors} errors; {where}; "
        f"{PROTECTED_NAMES} protected names; posts: 84% prose, 10% phone (warn), "
        f"4% a protected name (warn), 2% staydown ID (block); "
        f"{GUNICORN_WORKERS} gunicorn gthread workers x {GUNICORN_THREADS} threads (as in production), {os.cpu_count()} cores shared with the load generator "
        f"(2 processes x 4 keep-alive connections)"
    )
    group_note = (
        f"{group_ok} screened, {group_errors} errors; {GROUP_PLATFORMS} platforms sharing staydown, requests under "
        f"each platform's token in turn; {GROUP_FINGERPRINTS:,} fingerprints in the shared bank; same posts and server"
    )
    return [
        Row("screening: 280-char posts/s via API", rate, "/s", ">= 2,000/s", ok=rate >= 2000 and errors == 0, note=note),
        Row(f"screening: group of {GROUP_PLATFORMS} platforms, {GROUP_FINGERPRINTS:,} shared fingerprints", group_rate,
            "/s", ">= 2,000/s and >= 0.7x", baseline_name="one platform, same run", baseline_value=rate, ratio=ratio,
            ok=group_rate >= 2000 and ratio is not None and ratio >= 0.7 and group_errors == 0, note=group_note),
    ]


def _measure(env: dict[str, str], tokens: list[str], seconds: float) -> tuple[int, int, float]:
    with gunicorn(env, workers=GUNICORN_WORKERS, threads=GUNICORN_THREADS) as base:
        port = int(base.rsplit(":", 1)[1])
        _load(port, tokens, 1.0)  # warm the caches of every worker
        return _load(port, tokens, seconds)
