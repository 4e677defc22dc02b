"""Screening throughput: 280-character posts screened per second through gunicorn.

The product's real stack: gunicorn serving takedown.wsgi, the host platform's token,
the screening policy from the database (cached per process), staydown fingerprints
of a decided case, and a protected person. The load is a realistic mix: most posts are
ordinary prose; one in ten carries a phone number (a "warn", which is audited) and one
in fifty re-posts a removed ID number (a staydown "block", audited). The load generator
runs in two other processes on the same two cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from bench.common import Context, Row
from bench.http import (
    ROOT,
    base_env,
    drop_postgres_database,
    gunicorn,
    manage,
    post_load,
    recreate_postgres_database,
)

SECONDS = 10.0
DB_NAME = "bench_screening"
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
"""


def post(i: int) -> dict:
    if i % 50 == 7:
        text = f"又有人发出来了：{ID_NUMBER} "
    elif i % 10 == 3:
        text = "If anyone wants to reach him his number is 139 1234 5678. "
    else:
        text = ""
    base = _PROSE_ZH if i % 2 else _PROSE_EN
    text = (text + base * 3)[:280]
    return {"text": text, "context": "post" if i % 4 else "comment", "language": "zh-hans" if i % 2 else "en",
            "author": f"user-{i % 500}"}


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
        headers = {"Authorization": "Token " + "b" * 40}
        seconds = 3.0 if ctx.quick else SECONDS
        with gunicorn(env, workers=2, threads=2) as base:
            post_load(base, "/api/v1/screen/", post, seconds=1.0, headers=headers)  # warm the caches
            result = post_load(base, "/api/v1/screen/", post, seconds=seconds, headers=headers, processes=2,
                               connections=6)
    finally:
        if ctx.on_postgres:
            drop_postgres_database(ctx.database_url, DB_NAME)
    note = (
        f"{result.requests} screened, {result.errors} errors {result.statuses}; {where}; "
        f"posts: 88% prose, 10% phone (warn), 2% staydown ID (block); "
        f"2 gunicorn gthread workers x 2 threads, {os.cpu_count()} cores shared with the load generator"
    )
    return [
        Row("screening: 280-char posts/s via API", result.per_second, "/s", ">= 2,000/s",
            ok=result.per_second >= 2000 and result.errors == 0, note=note),
    ]
