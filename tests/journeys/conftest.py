"""The real product, started as ``make run`` starts it, and a browser to walk through it.

``product`` prepares a scratch ``TAKEDOWN_VAR_DIR`` the way the Makefile's ``run`` target
does (``manage.py migrate``, ``createcachetable``, ``seed_demo``) and then starts
``python -m takedown.run`` (gunicorn, Celery worker and beat) on a free port, in its own
process group, once per session. ``PUBLIC_BASE_URL`` is left unset, as on a first
``make run``: the links the product prints and sends must follow HOST and PORT. What
``seed_demo`` prints (staff accounts with their TOTP keys, API tokens, tracking links, the legal request) is parsed into ``Demo``.

The product under test always runs on its own scratch SQLite database and filesystem
broker (``DATABASE_URL`` and ``REDIS_URL`` are removed from its environment), whichever
backend the rest of the suite uses: it is a separate process tree, with its own worker
and scheduler, and a throwaway database keeps it from touching the suite's test database.
The journeys therefore look at the product only through the browser and its printed
demo data, as a user would, never through the ORM.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser import launched_chromium
from tests.journeys import axe

REPO = Path(__file__).resolve().parents[2]
PORTS = range(18300, 18400)
START_TIMEOUT = 60


@dataclass
class StaffAccount:
    username: str
    role: str
    password: str
    totp_hex: str


@dataclass
class Demo:
    """What ``seed_demo`` printed: the accounts and links a demo user is given."""

    output: str
    staff: dict[str, StaffAccount] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    tracking: dict[str, str] = field(default_factory=dict)  # reference -> tracking URL
    overdue_reference: str = ""
    legal_request: str = ""  # its number, e.g. DCP-2026-0001
    legal_request_case: str = ""
    verifier_key: str = ""  # the audit log's note verifier key (name+id+key)


@dataclass
class Product:
    url: str
    var_dir: Path
    env: dict[str, str]
    demo: Demo

    def manage(self, *args: str) -> str:
        """Run a ``manage.py`` command against the product's own database."""
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=self.env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout


def parse_demo(output: str) -> Demo:
    demo = Demo(output=output)
    for line in output.splitlines():
        if match := re.search(r"\b(TD-\d{4}-\d+)\b.*?(\S+/track/[\w-]+/)", line):
            demo.tracking[match[1]] = match[2]
        if match := re.search(r"overdue notice (TD-\d{4}-\d+)", line):
            demo.overdue_reference = match[1]
        elif match := re.match(r"\s*(\S+)\s+(\w+)\s+password (\S+)\s+TOTP key \(hex\) ([0-9a-f]+)", line):
            demo.staff[match[1]] = StaffAccount(match[1], match[2], match[3], match[4])
        elif match := re.match(r"\s*API token (\S+): (\S+)", line):
            demo.tokens[match[1]] = match[2]
        elif match := re.match(r"\s*legal request (\S+) covers (TD-\d{4}-\d+)", line):
            demo.legal_request, demo.legal_request_case = match[1], match[2]
        elif match := re.match(r"\s*verifier key: (\S+)", line):
            demo.verifier_key = match[1]
    return demo


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the product exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/report/", timeout=2) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.3)
    raise RuntimeError(f"the product did not answer within {START_TIMEOUT} s:\n{log.read_text()[-4000:]}")


def stop_group(process: subprocess.Popen) -> None:
    """Stop the whole process group (web, worker, scheduler) that ``takedown.run`` leads."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def product():
    var_dir = Path(tempfile.mkdtemp(prefix="takedown-journeys-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "TEST_DB_NAME", "CELERY_TASK_ALWAYS_EAGER",
                          "PUBLIC_BASE_URL"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "takedown.settings",
        "TAKEDOWN_VAR_DIR": str(var_dir),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    })
    prepared = Product(url=url, var_dir=var_dir, env=env, demo=Demo(output=""))
    prepared.manage("migrate", "--noinput")
    prepared.manage("createcachetable")
    prepared.demo = parse_demo(prepared.manage("seed_demo"))
    log = var_dir / "product.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "takedown.run"], cwd=REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_serving(url, process, log)
        yield prepared
    finally:
        stop_group(process)
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def demo(product) -> Demo:
    return product.demo


@pytest.fixture(scope="package")
def browser():
    yield from launched_chromium()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    return axe.script_path()


@pytest.fixture
def new_context(browser):
    """Open browser contexts (a phone, a desktop, with or without JavaScript); all closed after."""
    opened = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        context.scripts_run = options.get("java_script_enabled", True)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def visit(axe_script, request):
    """``visit.check(page, step)``: a full-page screenshot named by journey and step, then axe.

    Fails on any axe violation of impact serious or critical, listing each one.
    """
    journey = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    return axe.PageChecker(journey=journey, script=axe_script)
