"""Production settings: `check --deploy` is clean, secrets are required, CSP is strict."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from takedown.crypto import generate_key

BASE = Path(settings.BASE_DIR)
REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "AUDIT_SIGNING_KEY", "WEBHOOK_SECRETS", "FIELD_ENCRYPTION_KEYS", "FINGERPRINT_KEY")


def production_env(tmp_path, **overrides) -> dict[str, str]:
    # A test session may set DJANGO_ALLOW_ASYNC_UNSAFE (browser tests); a deployment never does.
    drop = {*REQUIRED, "DEBUG", "TAKEDOWN_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE", "WEBHOOK_SECRET", "DEMO_PLATFORM"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        TAKEDOWN_ENV="production",
        TAKEDOWN_VAR_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="takedown.example",
        AUDIT_SIGNING_KEY=generate_key(),
        WEBHOOK_SECRETS="whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
        FIELD_ENCRYPTION_KEYS=generate_key(),
        FINGERPRINT_KEY=secrets.token_urlsafe(32),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_check_deploy_reports_no_issues(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_production_security_checks_alone_report_no_issues(tmp_path):
    # The security subset, so a schema problem elsewhere cannot hide a security regression.
    result = manage(production_env(tmp_path), "check", "--deploy", "--tag", "security", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_refuses_to_start_without_each_secret(tmp_path, missing):
    result = manage(production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY is too weak"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "FIELD_ENCRYPTION_KEYS"),
        ({"WEBHOOK_SECRETS": "whsec_c2hvcnQ="}, "WEBHOOK_SECRETS[0]"),
        ({"WEBHOOK_SECRETS": None, "WEBHOOK_SECRET": "an-old-style-secret"}, "replaced by WEBHOOK_SECRETS"),
        ({"DEMO_PLATFORM": "true"}, "DEMO_PLATFORM cannot be on in production"),
        ({"HOST_PLATFORM_WEBHOOK_URL": "ftp://platform.example/hook"}, "HOST_PLATFORM_WEBHOOK_URL"),
        ({"DSA_TDB_URL": "https://tdb.example/api/v1/statements"}, "DSA_TDB_TOKEN"),
    ],
)
def test_production_refuses_weak_or_unsafe_configuration(tmp_path, overrides, message):
    # A malformed encryption key must stop start-up too, not the first complaint.
    result = manage(production_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/report/", "/staff/login/", "/transparency/"])
def test_pages_carry_a_strict_content_security_policy(path):
    response = Client().get(path)
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives.get("script-src") == "'self'"
    assert directives.get("style-src") == "'self'"
    assert directives.get("object-src") == "'none'"
    assert directives.get("frame-ancestors") == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "inline <style>"),
    (re.compile(r"\sstyle\s*=\s*[\"']", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style_the_policy_would_block():
    found = []
    for template in sorted((BASE / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(BASE)}:{line}: {what}")
    assert found == []


def test_postgres_connections_give_up_on_a_silent_database(tmp_path):
    # A partition or a dead host must become a prompt 503, not a request hanging for TCP's minutes.
    env = production_env(tmp_path, DATABASE_URL="postgres://app@db.internal:5432/takedown", DB_CONNECT_TIMEOUT="3")
    result = subprocess.run(
        [sys.executable, "-c", "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"],
        cwd=BASE, env={**env, "DJANGO_SETTINGS_MODULE": "takedown.settings"}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    assert options["connect_timeout"] == 3
    assert options["keepalives"] == 1 and options["tcp_user_timeout"] == 15_000
