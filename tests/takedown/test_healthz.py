"""/healthz: database, cache, broker and the webhook receiver, each reported; 503 only when
the database is down (a load balancer takes the process out), a degraded cache or broker
visible in the body but answered 200."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from takedown.celery import app as celery_app

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.fixture
def broker(request):
    """Point the Celery app at a broker URL for one test, then back."""
    previous = celery_app.conf.broker_url

    def use(url: str) -> None:
        celery_app.conf.broker_url = url

    yield use
    celery_app.conf.broker_url = previous


def test_all_ok_answers_200_with_each_part(db, settings):
    settings.CACHES = LOCMEM
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body == {"database": "ok", "cache": "ok", "broker": "ok", "webhooks": "demo", "status": "ok"}


def test_a_broker_outage_is_visible_but_not_fatal(db, settings, broker):
    settings.CACHES = LOCMEM
    broker(UNREACHABLE_REDIS)
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "down" and response.json()["status"] == "degraded"
    assert response.json()["database"] == "ok"


def test_a_cache_outage_is_visible_but_not_fatal(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": UNREACHABLE_REDIS, "OPTIONS": {"socket_connect_timeout": 1}}}
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "down" and response.json()["status"] == "degraded"


def test_a_real_receiver_reports_ok_and_none_reports_unconfigured(db, settings):
    settings.CACHES = LOCMEM
    settings.HOST_PLATFORM_WEBHOOK_URL = "https://platform.example/hooks"
    assert Client().get("/healthz").json()["webhooks"] == "ok"
    settings.HOST_PLATFORM_WEBHOOK_URL = ""
    settings.DEMO_PLATFORM = False
    body = Client().get("/healthz").json()
    assert body["webhooks"] == "unconfigured" and body["status"] == "degraded"


def test_a_database_that_cannot_be_reached_answers_503():
    # A separate process whose DATABASE_URL names a port where no server listens.
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json(), 'retry': r.headers.get('Retry-After')}))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "takedown.settings", "PYTHONPATH": str(settings.BASE_DIR),
           "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none", "DB_CONNECT_TIMEOUT": "2",
           "TAKEDOWN_VAR_DIR": str(settings.VAR_DIR)}
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503 and answer["retry"] == "5"
    assert answer["body"]["database"] == "down" and answer["body"]["status"] == "down"
