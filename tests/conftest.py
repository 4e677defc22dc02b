"""Fixtures shared by the whole suite."""

from __future__ import annotations

import importlib
import io
import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.services import UploadedEvidence, complaint_add_evidence
from takedown.celery import app as celery_app
from tests import factories


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test: its own media folder, an empty cache, and no rate limits unless it asks."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RATE_LIMITS_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    try:
        cache.clear()
    except Exception:
        pass
    yield


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts as a fresh process would: the broker believed up (a test that saw
    it fail leaves the publisher pausing) and nothing cached from rows an earlier test's
    flush removed (platform routing, screening rules, protected names, tokens, policies)."""
    import takedown.tasks
    from complaints.services import forget_cached_policy
    from hostplatform.platforms import forget_cached_routing
    from moderation.services import forget_cached_suspensions
    from prevention.auth import forget_cached_tokens
    from prevention.policy import forget_cached_rules
    from prevention.protection import forget_cached_names

    takedown.tasks._broker_down_until = 0.0
    for forget in (forget_cached_routing, forget_cached_policy, forget_cached_suspensions,
                   forget_cached_rules, forget_cached_names, forget_cached_tokens):
        forget()
    yield


@pytest.fixture
def default_screening_rules(transactional_db):
    """The screening rules the data migration installs, for a transactional test: an earlier
    transactional test's flush empties every table, data migrations' rows included."""
    from django.apps import apps

    defaults = importlib.import_module("prevention.migrations.0002_default_screening_rules")
    defaults.add_defaults(apps, None)


@pytest.fixture(autouse=True, scope="session")
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (tests/fault)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def make_png(width: int = 40, height: int = 30, *, exif_gps: bool = False, noise: bool = False) -> bytes:
    if noise:  # incompressible pixels, for size limits
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "PNG")
    return out.getvalue()


def valid_payload(**overrides) -> dict:
    body = {
        "complainant": {"name": "Chen Jing", "email": "chen@example.com", "phone": "+86 138 0013 8000"},
        "relationship": "self",
        "items": [{"url": "https://social.example/p/1", "note": "my address"}],
        "disclosed_info": ["home_address"],
        "harms": [],
        "explanation": "My home address was posted without consent.",
        "evidence_excerpt": "Lives at 12 Example Road",
        "good_faith_declaration": True,
        "language": "en",
    }
    body.update(overrides)
    return body


# --- Fixtures many apps' tests use (built from tests.factories) ---------------------------


@pytest.fixture
def make_complaint(api_client):
    """Submit a complaint through the public API (with one PNG) and return it."""

    def make(*, evidence: bool = False, **overrides) -> Complaint:
        payload = valid_payload(**overrides)
        response = api_client.post("/api/v1/complaints/", payload, format="json")
        assert response.status_code == 201, response.content
        complaint = Complaint.objects.latest("pk")
        if evidence:
            complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("screenshot.png", make_png())])
        return complaint

    return make


@pytest.fixture
def make_user(db):
    return lambda username, *roles: factories.make_user(username, *roles, password="pw-" + username)


@pytest.fixture
def token_client():
    """An API client authenticated with the user's token (counts as verified staff)."""
    return factories.token_client


@pytest.fixture
def legal_request_for(make_user):
    """Register a live legal request covering ``complaints`` for ``investigator``."""

    def make(investigator: User, complaints, *, days: int = 30, registered_by: User | None = None):
        registrar = registered_by or make_user(f"registrar{User.objects.count()}", "senior_moderator")
        return factories.register_request(investigator, complaints, registrar=registrar, days=days)

    return make


@pytest.fixture
def browser_session():
    """A staff browser session that passed both factors, as the staff login leaves it."""
    return factories.verified_client


@pytest.fixture(autouse=True)
def _no_queued_refusals():
    """Refusals queued by another test's rolled-back transaction must not leak in here."""
    from preservation import holds

    holds._pending.rows = []
    yield
    holds._pending.rows = []


@pytest.fixture
def long_ago():
    """A receipt time far enough back that every response timer of a P2 notice is due."""
    return timezone.now() - timedelta(days=10)
