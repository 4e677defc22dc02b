"""A private, real environment for the deadline fault tests.

Each test gets its own database (a SQLite file, or a PostgreSQL database when the
suite runs with a PostgreSQL ``DATABASE_URL``), its own var folder (filesystem broker,
beat schedule, media) and, when asked, its own ``redis-server`` on a spare loopback
port. Test, driver and Celery workers are separate processes that meet only there,
exactly as web, worker and beat do in production. The schema is migrated once per
session into a template that each test copies.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "CELERY_", "DJANGO_SETTINGS"))}
    env.pop("REDIS_URL", None)
    env.pop("TEST_DB_NAME", None)
    env.update(
        DJANGO_SETTINGS_MODULE="takedown.settings",
        TAKEDOWN_ENV="test",
        TAKEDOWN_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


class PrivateDatabase:
    """Creates, copies and drops the test's own database."""

    def __init__(self, outer_url: str, name: str, folder: Path) -> None:
        self.postgres = outer_url.startswith(("postgres://", "postgresql://"))
        self.outer = urlparse(outer_url) if self.postgres else None
        self.name = name
        self.folder = folder

    def url(self, name: str | None = None) -> str:
        name = name or self.name
        if not self.postgres:
            return f"sqlite:///{self.folder / (name + '.sqlite3')}"
        o = self.outer
        auth = o.username + (f":{o.password}" if o.password else "") + "@" if o.username else ""
        return f"postgres://{auth}{o.hostname}:{o.port or 5432}/{name}"

    def admin_execute(self, sql: str) -> None:
        """Run one statement on the server's maintenance database, outside any transaction."""
        import psycopg2

        o = self.outer
        conn = psycopg2.connect(dbname="postgres", user=o.username, password=o.password,
                                host=o.hostname, port=o.port or 5432)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def drop(self, name: str) -> None:
        if self.postgres:
            self.admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.folder / name}.sqlite3{suffix}").unlink(missing_ok=True)

    def copy(self, template: str, name: str) -> None:
        self.drop(name)
        if self.postgres:
            self.admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            source = sqlite3.connect(self.folder / f"{template}.sqlite3")
            target = sqlite3.connect(self.folder / f"{name}.sqlite3")
            source.backup(target)
            source.close()
            target.close()

    def query(self, sql: str, name: str | None = None) -> list[tuple]:
        if self.postgres:
            import psycopg2

            o = self.outer
            conn = psycopg2.connect(dbname=name or self.name, user=o.username, password=o.password,
                                    host=o.hostname, port=o.port or 5432)
            try:
                with conn.cursor() as cur:
                    cur.execute(sql)
                    return cur.fetchall()
            finally:
                conn.close()
        conn = sqlite3.connect(self.folder / f"{name or self.name}.sqlite3", timeout=30)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()


class FaultEnv:
    """One test's database, var folder, optional private Redis, and the processes it started."""

    def __init__(self, db: PrivateDatabase, var_dir: Path) -> None:
        self.db = db
        self.var_dir = var_dir
        self.redis_port: int | None = None
        self.redis: subprocess.Popen | None = None
        self.processes: list[subprocess.Popen] = []
        self.extra_env: dict[str, str] = {}

    @property
    def env(self) -> dict[str, str]:
        env = base_env(self.var_dir, self.db.url())
        if self.redis_port:
            env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
        env.update(self.extra_env)
        return env

    # --- processes ---------------------------------------------------------------------
    def driver(self, *args: str, timeout: float = 60, **env: str) -> dict:
        done = subprocess.run(
            [PYTHON, "-m", "tests.fault.deadline_driver", *args],
            cwd=ROOT, env={**self.env, **env}, capture_output=True, text=True, timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"driver {args} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def driver_async(self, *args: str, **env: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [PYTHON, "-m", "tests.fault.deadline_driver", *args],
            cwd=ROOT, env={**self.env, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.processes.append(process)
        return process

    def start_worker(self, *, include: str = "", name: str = "w1", **env: str) -> subprocess.Popen:
        command = [PYTHON, "-m", "celery", "-A", "takedown", "worker", "--pool=solo", "--loglevel=WARNING",
                   "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@fault"]
        if include:
            command += ["-I", include]
        log = open(self.var_dir / f"worker-{name}.log", "ab")
        process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=log,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL: no clean-up, no acknowledgement, no rollback but the database's own."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
        process.wait(timeout=10)

    def start_redis(self) -> None:
        if self.redis_port is None:
            self.redis_port = free_port()
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.var_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _port_open(self.redis_port), 10, "redis-server to listen")

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.kill()
            self.redis.wait(timeout=10)
            self.redis = None

    def publish_sweep(self, task: str = "deadlines.sweep") -> None:
        """What beat does every interval: put one ``deadlines.sweep`` (or ``task``) message on the broker."""
        from celery import Celery

        env = self.env
        # Not the current app: shared tasks of this process (the suite's) must keep resolving
        # to the product's app, not to this one's broker (which a test may stop).
        if "REDIS_URL" in env:
            app = Celery("fault-beat", broker=env["REDIS_URL"], set_as_current=False)
        else:
            broker = Path(env["TAKEDOWN_VAR_DIR"]) / "broker"
            app = Celery("fault-beat", broker="filesystem://", set_as_current=False)
            app.conf.broker_transport_options = {
                "data_folder_in": str(broker / "queue"), "data_folder_out": str(broker / "queue"),
                "processed_folder": str(broker / "processed"), "control_folder": str(broker / "control"),
                "store_processed": False,
            }
            for sub in ("queue", "processed", "control"):
                (broker / sub).mkdir(parents=True, exist_ok=True)
        app.conf.broker_connection_timeout = 2
        app.conf.broker_connection_retry = False
        app.conf.task_serializer = "json"
        try:
            app.send_task(task, retry=False)
        finally:
            app.close()

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)
        self.stop_redis()

    # --- what the database says ----------------------------------------------------------
    def scalar(self, sql: str) -> int:
        return int(self.db.query(sql)[0][0] or 0)

    def due_pending(self) -> int:
        return self.scalar("SELECT COUNT(*) FROM deadlines_timer WHERE state = 'pending' AND kind LIKE 'response_%'"
                           " AND due_at <= CURRENT_TIMESTAMP")

    def duplicates(self) -> dict[str, int]:
        """Anything done twice: breaches, breach events, reminders, alerts."""
        q = self.scalar
        return {
            "breach_events": q("SELECT COUNT(*) FROM (SELECT target_id FROM audit_auditevent WHERE code = 'deadline.breached'"
                               " GROUP BY target_id HAVING COUNT(*) > 1) d"),
            "reminder_events": q("SELECT COUNT(*) FROM (SELECT target_id FROM audit_auditevent"
                                 " WHERE code = 'deadline.reminded' GROUP BY target_id, CAST(details AS TEXT) HAVING COUNT(*) > 1) d"),
            "notifications": q("SELECT COUNT(*) FROM (SELECT user_id, kind, subject, body FROM deadlines_staffnotification"
                               " GROUP BY user_id, kind, subject, body HAVING COUNT(*) > 1) d"),
        }


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition: Callable[[], bool], seconds: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


# --- fixtures (imported by the deadline fault tests) -----------------------------------------

@pytest.fixture(scope="session")
def deadline_fault_template(tmp_path_factory):
    """A migrated database every fault test copies (migrating once per session)."""
    folder = tmp_path_factory.mktemp("faultdb")
    prefix = os.environ.get("TEST_DB_NAME", "test") + "_fault"
    db = PrivateDatabase(os.environ.get("DATABASE_URL", ""), f"{prefix}_tpl", folder)
    db.drop(db.name)
    if db.postgres:
        db.admin_execute(f'CREATE DATABASE "{db.name}"')
    var_dir = folder / "var"
    var_dir.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "tests.fault.deadline_driver", "migrate"],
        cwd=ROOT, env=base_env(var_dir, db.url()), capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    yield db, prefix
    db.drop(db.name)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def deadline_fault_env(deadline_fault_template, tmp_path):
    template, prefix = deadline_fault_template
    db = PrivateDatabase(os.environ.get("DATABASE_URL", ""), f"{prefix}_run", template.folder)
    db.copy(template.name, db.name)
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = FaultEnv(db, var_dir)
    try:
        yield env
    finally:
        env.close()
        db.drop(db.name)
