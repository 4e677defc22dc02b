"""``manage.py seed_demo`` (run by ``make run``) from an empty database, and again on the same data.

Runs on whichever backend the suite runs on (PostgreSQL with DATABASE_URL, SQLite otherwise).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from complaints.models import Complaint
from takedown.settings_env import default_public_base_url

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8765"
ACCOUNTS = ("moderator", "senior", "investigator", "admin")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def passwords(output: str) -> dict[str, str]:
    return dict(re.findall(rf"^\s+({'|'.join(ACCOUNTS)})\s+\S+\s+password (\S+)", output, re.M))


def tracking_links(output: str) -> list[str]:
    return re.findall(r"https?://\S+/track/[A-Za-z0-9_-]+/", output)


def sign_in(username: str, password: str) -> Client:
    """The staff login as a person does it: password, then the code ``demo_totp`` prints."""
    client = Client()
    response = client.post("/staff/login/", {"username": username, "password": password})
    assert response.status_code == 302 and "/staff/login/verify/" in response["Location"], response.content[:500]
    code = io.StringIO()
    call_command("demo_totp", username, stdout=code)
    response = client.post(response["Location"], {"code": code.getvalue().strip()})
    assert response.status_code == 302 and "/staff/login" not in response["Location"]
    return client


def assert_prints_how_to_get_in(output: str) -> None:
    assert f"{BASE}/staff/login/" in output
    assert "manage.py demo_totp USERNAME" in output
    assert sorted(passwords(output)) == sorted(ACCOUNTS)
    for account in ("demo-flagger", "demo-platform"):
        key = re.search(rf"API token {account}: ([0-9a-f]{{40}})", output).group(1)
        assert Token.objects.get(key=key).user.username == account
    links = tracking_links(output)
    assert len(links) == 4 and all(link.startswith(f"{BASE}/track/") for link in links)
    # Every address printed is the one served, none the default port.
    assert "127.0.0.1:8000" not in output


@pytest.fixture
def served(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.RATE_LIMITS_ENABLED = False


def test_seed_demo_on_an_empty_database_prints_working_accounts_tokens_and_links(db, served):
    assert not Complaint.objects.exists()
    output = seed()
    assert_prints_how_to_get_in(output)
    clients = {username: sign_in(username, password) for username, password in passwords(output).items()}
    page = clients["moderator"].get("/staff/queue/")
    first_reference = re.search(r"TD-\d{4}-\d{6}", output).group(0)
    assert page.status_code == 200 and first_reference.encode() in page.content
    for link in tracking_links(output):
        reference = re.search(rf"(TD-\d{{4}}-\d{{6}}) \([^)]*\): {re.escape(link)}", output).group(1)
        response = Client().get(link.removeprefix(BASE))
        assert response.status_code == 200 and reference.encode() in response.content


def test_a_second_seed_demo_adds_nothing_and_still_prints_how_to_get_in(db, served):
    first = seed()
    counts = (Complaint.objects.count(), Token.objects.count())
    second = seed()
    assert (Complaint.objects.count(), Token.objects.count()) == counts
    assert_prints_how_to_get_in(second)
    assert tracking_links(second) == tracking_links(first)
    assert passwords(second) == passwords(first)
    for link in tracking_links(second):
        assert Client().get(link.removeprefix(BASE)).status_code == 200
    sign_in("senior", passwords(second)["senior"])


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8765"}, "http://127.0.0.1:8765"),
        ({"HOST": "0.0.0.0", "PORT": "9000"}, "http://127.0.0.1:9000"),
        ({"HOST": "::", "PORT": "9000"}, "http://[::1]:9000"),
        ({"HOST": "desk.example", "PORT": "80"}, "http://desk.example:80"),
    ],
)
def test_the_default_public_address_is_the_one_make_run_binds(monkeypatch, environment, expected):
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert default_public_base_url() == expected


def _settings_value(**environment: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"PUBLIC_BASE_URL", "HOST", "PORT"}}
    env.update(environment)
    code = "import django; django.setup(); from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
    env["DJANGO_SETTINGS_MODULE"] = "takedown.settings"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_settings_follow_port_and_an_explicit_public_base_url_wins():
    assert _settings_value(PORT="8765") == "http://127.0.0.1:8765"
    assert _settings_value(PORT="8765", PUBLIC_BASE_URL="https://desk.example/") == "https://desk.example"
