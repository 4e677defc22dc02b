"""Real processes on loopback for fault and soak runs: gunicorn, Celery, a TCP proxy that
can cut a connection on demand, and throwaway databases.

Everything binds 127.0.0.1 on a free port and is stopped by the caller (context
managers), so a failing test leaves nothing running.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --- TCP proxy ------------------------------------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target. ``cut()`` resets every open connection and
    refuses new ones (what clients see when a server restarts); ``restore()`` undoes it."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._up = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> TcpProxy:
        self._up.set()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 5
        while not reachable("127.0.0.1", self.port, 0.2):
            if time.monotonic() > deadline:
                raise RuntimeError("proxy did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._up.clear()
        self._close_all()
        if self._listener:
            self._listener.close()

    def _serve(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(128)
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            if not self._up.is_set():
                self._reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._reset(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        # SO_LINGER 0: close with RST, as a crashed server does. Shut the socket down
        # first: close() alone does not wake a pump thread blocked in recv() on it, and
        # the socket would then stay open, silent, with a client waiting on it forever.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            self._reset(s)

    def cut(self) -> None:
        self._up.clear()
        self._close_all()

    def restore(self) -> None:
        self._up.set()


# --- Databases ------------------------------------------------------------------------------


def postgres_url() -> str | None:
    """The PostgreSQL server of the test run (DATABASE_URL), if it is PostgreSQL and up."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    if not reachable(parts.hostname or "127.0.0.1", parts.port or 5432):
        return None
    return url


def with_database(url: str, name: str, *, host: str | None = None, port: int | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if host or port:
        auth = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
        netloc = f"{auth}{host or parts.hostname}:{port or parts.port or 5432}"
    return urlunsplit((parts.scheme, netloc, "/" + name, parts.query, parts.fragment))


def recreate_postgres_database(url: str, name: str) -> str:
    import psycopg2

    admin = psycopg2.connect(with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return with_database(url, name)


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def app_env(var_dir: Path, **overrides: str | None) -> dict[str, str]:
    """Environment for a product process: development profile, its own var folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        TAKEDOWN_ENV="development",
        TAKEDOWN_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="takedown.settings",
        PYTHONPATH=str(BASE_DIR),
        LOG_LEVEL="INFO",
    )
    env.pop("TEST_DB_NAME", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


_MIGRATED_SQLITE: dict[str, Path] = {}


def migrated_sqlite(var_dir: Path, cache_dir: Path) -> str:
    """A DATABASE_URL for a fresh, migrated SQLite file (migrated once per run, then copied)."""
    template = _MIGRATED_SQLITE.get(str(cache_dir))
    if template is None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        template = cache_dir / "template.sqlite3"
        env = app_env(cache_dir, DATABASE_URL=f"sqlite:///{template}", REDIS_URL=None)
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        _MIGRATED_SQLITE[str(cache_dir)] = template
    var_dir.mkdir(parents=True, exist_ok=True)
    target = var_dir / "takedown.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


# --- Processes ------------------------------------------------------------------------------


@contextlib.contextmanager
def running(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A child process in its own process group, output to ``log``; stopped on exit."""
    handle = log.open("wb")
    process = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        yield process
    finally:
        stop(process)
        handle.close()


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def gunicorn_cmd(port: int, workers: int = 2, threads: int = 1) -> list[str]:
    return [PYTHON, "-m", "gunicorn", "takedown.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--timeout", "60",
            "--access-logfile", "-", "--error-logfile", "-"]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc), e.g. a Celery worker's pool processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        stack.extend(children_of(current))
    return total


def post_json(url: str, body: dict, *, headers: dict[str, str] | None = None, timeout: float = 30):
    """(status, headers, parsed body or None). Never raises for an HTTP status."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        return exc.code, dict(exc.headers), parsed


def complaint_body(n: int) -> dict:
    return {
        "complainant": {"name": f"Soak Person {n}", "email": f"soak{n}@example.org"},
        "relationship": "self",
        "items": [{"url": f"https://social.example/p/{n}", "note": ""}],
        "disclosed_info": ["home_address"],
        "explanation": "My address was posted.",
        "evidence_excerpt": "Lives at ...",
        "good_faith_declaration": True,
    }
