"""Every environment variable the documentation names reaches its setting.

The names are collected from README.md, docker-compose.yml and docs/; the variables
takedown/settings.py reads are collected from its source. Each one is set to a distinctive
value in a fresh interpreter and the loaded Django settings are read back, so a variable
that is documented but never read, read under another name, or read and then overwritten
fails here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from takedown.crypto import generate_key

ROOT = Path(__file__).resolve().parents[2]
# Django settings the documents name that are fixed in code, not read from the environment.
FIXED_IN_CODE = {"INSTALLED_APPS", "LOGGING", "CONTENT_SECURITY_POLICY", "CELERY_TASK_ACKS_LATE",
                 "CELERY_TASK_REJECT_ON_WORKER_LOST",
                 # Derived from EVIDENCE_MAX_FILES and EVIDENCE_MAX_FILE_BYTES.
                 "REQUEST_MAX_BYTES",
                 # The host platform's machine calls and their middleware (takedown/handlers.py).
                 "MACHINE_API_PATHS", "MACHINE_API_MIDDLEWARE"}
# Read by the postgres image in docker-compose.yml, not by the product.
POSTGRES_IMAGE = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
KEY = generate_key()
WHSEC = "whsec_" + "c2lnbmluZy1zZWNyZXQtb2YtdGhpcnR5LXR3by1ieXRlcw=="
PROD_SECRET_KEY = "p" + "rod-secret-key-with-enough-variety-0123456789-abcdefghij"

# name -> (value, expression over ``s`` (django.conf.settings), expected value)
DEVELOPMENT = {
    "TAKEDOWN_ENV": ("test", "s.TAKEDOWN_ENV", "test"),
    "DJANGO_DEBUG": ("false", "s.DEBUG", False),
    "ALLOWED_HOSTS": ("a.example,b.example", "s.ALLOWED_HOSTS", ["a.example", "b.example"]),
    "CSRF_TRUSTED_ORIGINS": ("https://c.example", "s.CSRF_TRUSTED_ORIGINS", ["https://c.example"]),
    "PUBLIC_BASE_URL": ("https://desk.example/", "s.PUBLIC_BASE_URL", "https://desk.example"),
    "SECRET_KEY": ("distinct-secret-key", "s.SECRET_KEY", "distinct-secret-key"),
    "DATABASE_URL": ("postgres://u:p@127.0.0.1:5999/distinct_db", "s.DATABASES['default']['NAME']", "distinct_db"),
    "DB_CONN_MAX_AGE": ("17", "s.DATABASES['default']['CONN_MAX_AGE']", 17),
    "DB_CONNECT_TIMEOUT": ("7", "s.DATABASES['default']['OPTIONS']['connect_timeout']", 7),
    "DB_TCP_USER_TIMEOUT_MS": ("4321", "s.DATABASES['default']['OPTIONS']['tcp_user_timeout']", 4321),
    "TEST_DB_NAME": ("distinct_test_db", "s.DATABASES['default']['TEST']['NAME']", "distinct_test_db"),
    "REDIS_URL": ("redis://127.0.0.1:6399/9", "[s.REDIS_URL, s.CACHES['default']['LOCATION'], s.CELERY_BROKER_URL]",
                  ["redis://127.0.0.1:6399/9"] * 3),
    "CELERY_TASK_ALWAYS_EAGER": ("true", "s.CELERY_TASK_ALWAYS_EAGER", True),
    "EVIDENCE_MAX_FILES": ("4", "[s.EVIDENCE_MAX_FILES, s.DATA_UPLOAD_MAX_NUMBER_FILES]", [4, 5]),
    "EVIDENCE_MAX_FILE_BYTES": ("123456", "s.EVIDENCE_MAX_FILE_BYTES", 123456),
    "EVIDENCE_MAX_PIXELS": ("999999", "s.EVIDENCE_MAX_PIXELS", 999999),
    "EMAIL_BACKEND": ("django.core.mail.backends.locmem.EmailBackend", "s.EMAIL_BACKEND",
                      "django.core.mail.backends.locmem.EmailBackend"),
    "EMAIL_HOST": ("smtp.example", "s.EMAIL_HOST", "smtp.example"),
    "EMAIL_PORT": ("2525", "s.EMAIL_PORT", 2525),
    "EMAIL_HOST_USER": ("mailer", "s.EMAIL_HOST_USER", "mailer"),
    "EMAIL_HOST_PASSWORD": ("mail-pass", "s.EMAIL_HOST_PASSWORD", "mail-pass"),
    "EMAIL_USE_TLS": ("true", "s.EMAIL_USE_TLS", True),
    "DEFAULT_FROM_EMAIL": ("Desk <desk@example.org>", "s.DEFAULT_FROM_EMAIL", "Desk <desk@example.org>"),
    "AUDIT_SIGNING_KEY": (KEY, "s.AUDIT_SIGNING_KEY", KEY),
    "AUDIT_LOG_ORIGIN": ("desk.example/log", "s.AUDIT_LOG_ORIGIN", "desk.example/log"),
    "FIELD_ENCRYPTION_KEYS": (KEY, "s.FIELD_ENCRYPTION_KEYS", [KEY]),
    "FINGERPRINT_KEY": ("distinct-fingerprint-key", "s.FINGERPRINT_KEY", "distinct-fingerprint-key"),
    "HOST_PLATFORM_WEBHOOK_URL": ("https://platform.example/hooks", "s.HOST_PLATFORM_WEBHOOK_URL",
                                  "https://platform.example/hooks"),
    "HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS": ("3", "s.HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS", 3),
    "HOST_PLATFORM_WEBHOOK_TIMEOUT": ("2.5", "s.HOST_PLATFORM_WEBHOOK_TIMEOUT", 2.5),
    "WEBHOOK_SECRETS": (WHSEC, "s.WEBHOOK_SECRETS", [WHSEC]),
    "DEMO_PLATFORM": ("false", "s.DEMO_PLATFORM", False),
    "DSA_PUID_PREFIX": ("desk-x", "s.DSA_PUID_PREFIX", "desk-x"),
    "DSA_TDB_URL": ("https://tdb.example/api/v1/statements", "s.DSA_TDB_URL", "https://tdb.example/api/v1/statements"),
    "DSA_TDB_TOKEN": ("tdb-token", "s.DSA_TDB_TOKEN", "tdb-token"),
    "DSA_TDB_TIMEOUT": ("4.5", "s.DSA_TDB_TIMEOUT", 4.5),
    "DSA_TDB_MAX_RETRIES": ("2", "s.DSA_TDB_MAX_RETRIES", 2),
    "RATE_LIMITS_ENABLED": ("false", "s.RATE_LIMITS_ENABLED", False),
    "RATE_LIMIT_PUBLIC_INTAKE": ("3/60", "s.RATE_LIMITS['public_intake']", "3/60"),
    "RATE_LIMIT_PUBLIC_TRACK": ("4/60", "s.RATE_LIMITS['public_track']", "4/60"),
    "RATE_LIMIT_TOKEN": ("5/60", "s.RATE_LIMITS['token']", "5/60"),
    "TRUSTED_PROXY_COUNT": ("3", "s.TRUSTED_PROXY_COUNT", 3),
    "DEADLINE_SWEEP_SECONDS": ("45", "[s.DEADLINE_SWEEP_SECONDS, s.CELERY_BEAT_SCHEDULE['deadlines-sweep']['schedule']]",
                               [45, 45.0]),
    "DEADLINE_SWEEP_BATCH": ("77", "s.DEADLINE_SWEEP_BATCH", 77),
    "DEADLINE_SWEEP_BUDGET_SECONDS": ("12.5", "s.DEADLINE_SWEEP_BUDGET_SECONDS", 12.5),
    "QUEUE_COUNT_CAP": ("250", "s.QUEUE_COUNT_CAP", 250),
    "STAFF_LOGIN_MAX_FAILURES": ("9", "s.STAFF_LOGIN_MAX_FAILURES", 9),
    "STAFF_LOGIN_LOCK_SECONDS": ("61", "s.STAFF_LOGIN_LOCK_SECONDS", 61),
    "STAFF_LOGIN_MAX_FAILURES_PER_CLIENT": ("31", "s.STAFF_LOGIN_MAX_FAILURES_PER_CLIENT", 31),
    "MISUSE_MIN_UNFOUNDED": ("6", "s.MISUSE_MIN_UNFOUNDED", 6),
    "MISUSE_MIN_SHARE": ("0.75", "s.MISUSE_MIN_SHARE", 0.75),
    "SIGNAL_BUCKET_SECONDS": ("20", "s.SIGNAL_BUCKET_SECONDS", 20),
    "SIGNAL_RETENTION_SECONDS": ("7200", "s.SIGNAL_RETENTION_SECONDS", 7200),
    "SPIKE_PARAMS": ('{"min_count": 12}', "s.SPIKE_PARAMS", {"min_count": 12}),
    "PROTECTION_DAYS": ("45", "s.PROTECTION_DAYS", 45),
    "AUDIT_RETENTION_DAYS": ("400", "s.AUDIT_RETENTION_DAYS", 400),
    "AUDIT_EXPORT_LINK_HOURS": ("6", "s.AUDIT_EXPORT_LINK_HOURS", 6),
    "AUDIT_SOURCE_ORGANIZATION": ("Desk Org", "s.AUDIT_SOURCE_ORGANIZATION", "Desk Org"),
    "LOG_LEVEL": ("WARNING", "s.LOGGING['root']['level']", "WARNING"),
}
# Names whose value is a path under the test's temporary folder: (setting expression, relative path).
PATHS = {
    "TAKEDOWN_VAR_DIR": ("str(s.VAR_DIR)", "var"),
    "MEDIA_ROOT": ("str(s.MEDIA_ROOT)", "media"),
    "AUDIT_EXPORT_ROOT": ("s.AUDIT_EXPORT_ROOT", "exports"),
    "EVIDENCE_PACK_FONT": ("s.EVIDENCE_PACK_FONT", "font.otf"),
}
PRODUCTION = {
    "TAKEDOWN_ENV": ("production", "s.PRODUCTION", True),
    "SECRET_KEY": (PROD_SECRET_KEY, "s.SECRET_KEY", PROD_SECRET_KEY),
    "ALLOWED_HOSTS": ("desk.example", "s.ALLOWED_HOSTS", ["desk.example"]),
    "AUDIT_SIGNING_KEY": (KEY, "s.AUDIT_SIGNING_KEY", KEY),
    "FIELD_ENCRYPTION_KEYS": (KEY, "s.FIELD_ENCRYPTION_KEYS", [KEY]),
    "FINGERPRINT_KEY": ("production-fingerprint", "s.FINGERPRINT_KEY", "production-fingerprint"),
    "WEBHOOK_SECRETS": (WHSEC, "s.WEBHOOK_SECRETS", [WHSEC]),
    "HOST_PLATFORM_WEBHOOK_URL": ("https://platform.example/hooks", "s.DEMO_PLATFORM", False),
    "SECURE_SSL_REDIRECT": ("false", "s.SECURE_SSL_REDIRECT", False),
    "SECURE_HSTS_SECONDS": ("600", "s.SECURE_HSTS_SECONDS", 600),
}
# DEBUG, the older name of DJANGO_DEBUG, is read when DJANGO_DEBUG is absent.
OLDER_NAMES = {"DEBUG": ("false", "s.DEBUG", False)}
# Read only to refuse it: production names the replacement.
REFUSED = {"WEBHOOK_SECRET": "WEBHOOK_SECRET is replaced by WEBHOOK_SECRETS"}


def documented_names() -> set[str]:
    """Upper-case names in the documents that are settings or variables the settings read."""
    texts = [ROOT / "README.md", ROOT / "docker-compose.yml", *sorted((ROOT / "docs").glob("*.md"))]
    text = "\n".join(path.read_text() for path in texts)
    tokens = set(re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z]{4,}\b", text))
    compose = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):", (ROOT / "docker-compose.yml").read_text(), re.M))
    from django.conf import settings

    return {t for t in tokens if t in read_names() or hasattr(settings, t)} | (compose - POSTGRES_IMAGE)


def read_names() -> set[str]:
    source = (ROOT / "takedown" / "settings.py").read_text()
    names = set(re.findall(r'(?:env\.\w+|_secret)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    return names | set(re.findall(r'environ\.Env\(\)\.str\("([A-Z][A-Z0-9_]+)"', source))


def covered() -> set[str]:
    return {*DEVELOPMENT, *PATHS, *PRODUCTION, *OLDER_NAMES, *REFUSED}


def load(env: dict[str, str], expressions: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: eval(v) for k, v in {expressions!r}.items()}}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in covered() and k != "DATABASE_URL"}
    clean.setdefault("TAKEDOWN_VAR_DIR", str(tmp_path / "default-var"))
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "takedown.settings", **env})


def check(table: dict[str, tuple], tmp_path: Path, extra: dict[str, str] | None = None) -> None:
    env = {name: value for name, (value, _, _) in table.items()} | (extra or {})
    done = load(env, {name: expr for name, (_, expr, _) in table.items()}, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    wrong = {name: (seen[name], expected) for name, (_, _, expected) in table.items() if seen[name] != expected}
    assert not wrong, f"variables that did not reach their setting (seen, expected): {wrong}"


def test_every_documented_variable_is_read_by_the_settings():
    documented = documented_names() - FIXED_IN_CODE
    assert documented - read_names() == set(), "documented but never read from the environment"
    assert {"DJANGO_DEBUG", "TRUSTED_PROXY_COUNT", "HOST_PLATFORM_WEBHOOK_URL"} <= read_names()


def test_every_variable_read_is_checked_here():
    assert read_names() - covered() == set()
    assert documented_names() - FIXED_IN_CODE - covered() == set()


def test_each_variable_reaches_its_setting_in_development(tmp_path):
    font = tmp_path / "font.otf"
    font.write_bytes(b"\0")
    paths = {name: (str(tmp_path / rel), expr, str(tmp_path / rel)) for name, (expr, rel) in PATHS.items()}
    check(DEVELOPMENT | paths, tmp_path)


def test_each_variable_reaches_its_setting_in_production(tmp_path):
    check(PRODUCTION, tmp_path)


def test_the_older_debug_name_still_turns_debug_off(tmp_path):
    check(OLDER_NAMES, tmp_path)


@pytest.mark.parametrize(("env", "message"), [
    ({"WEBHOOK_SECRET": "whsec_x"}, REFUSED["WEBHOOK_SECRET"]),
    ({"AUDIT_RETENTION_DAYS": "30"}, "AUDIT_RETENTION_DAYS must be at least 183"),
    ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0 or more"),
    ({"SPIKE_PARAMS": "[1]"}, "SPIKE_PARAMS must be a JSON object"),
    ({"EVIDENCE_PACK_FONT": "/nonexistent/font.otf"}, "EVIDENCE_PACK_FONT names no file"),
    ({"DJANGO_DEBUG": "true"}, "DEBUG must be off in production"),
])
def test_production_refuses_a_bad_value_at_start_up(tmp_path, env, message):
    production = {name: value for name, (value, _, _) in PRODUCTION.items() if name != "WEBHOOK_SECRETS"}
    if "WEBHOOK_SECRET" not in env:
        production["WEBHOOK_SECRETS"] = WHSEC
    done = load(production | env, {"x": "1"}, tmp_path)
    assert done.returncode != 0
    assert message in done.stderr
