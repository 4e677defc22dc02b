"""The embedded default as ``make run`` starts it: real web, worker and scheduler processes
on SQLite with the filesystem broker, and no outside service."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.fault


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_make_run_stack_accepts_a_complaint_and_the_worker_mails_the_receipt(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "TEST_DB_NAME"}}
    env.update(
        {
            "TAKEDOWN_VAR_DIR": str(tmp_path / "var"),
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "WORKER_CONCURRENCY": "1",
            "DJANGO_SETTINGS_MODULE": "takedown.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    for args in (["migrate", "--noinput"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (tmp_path / "stack.log").open("wb")
    stack = subprocess.Popen([sys.executable, "-m", "takedown.run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def web_up() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False

        _wait_until(web_up, 60, "the web process")
        body = {
            "complainant": {"name": "Embedded Test", "email": "embedded@example.com"},
            "items": [{"url": "https://social.example/p/42"}],
            "disclosed_info": ["phone"],
            "explanation": "My number was posted.",
            "evidence_excerpt": "call 138 0013 8000",
            "good_faith_declaration": True,
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/complaints/", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
            receipt = json.loads(response.read())
        assert receipt["status"] == "received" and receipt["priority"] == "P1"
        output = tmp_path / "stack.log"
        # The console e-mail backend prints the message from the worker process.
        _wait_until(lambda: receipt["reference"] in output.read_text(errors="replace"), 60,
                    "the worker to send the acknowledgement")
        text = output.read_text(errors="replace")
        assert "embedded@example.com" in text or "To:" in text
        assert "celery@" in text or "beat" in text.lower()
        assert stack.poll() is None, "a process of the stack exited"
    finally:
        stack.terminate()
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stack.kill()
        log.close()
