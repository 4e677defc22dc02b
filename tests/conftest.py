"""Fixtures shared by the whole suite."""

from __future__ import annotations

import io
import os

import pytest
from django.core.cache import cache
from PIL import Image
from rest_framework.test import APIClient

from takedown.celery import app as celery_app


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test: its own media folder, an empty cache, and no rate limits unless it asks."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RATE_LIMITS_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from complaints.services import forget_cached_policy
    from moderation.services import forget_cached_suspensions

    forget_cached_policy()
    forget_cached_suspensions()
    try:
        cache.clear()
    except Exception:
        pass
    yield


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
