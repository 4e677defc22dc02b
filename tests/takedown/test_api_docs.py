"""/api/docs/ works with no internet: Swagger UI comes from the product's own static files
(drf-spectacular-sidecar) and runs under the same Content-Security-Policy as every page."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.fixture
def collected(settings, tmp_path):
    """Static files collected as a deployment does, served by WhiteNoise from there."""
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def test_the_api_docs_reference_only_same_origin_assets_and_each_is_served(collected):
    client = Client()  # after the override: its WhiteNoise reads the collected files
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = _assets(html)
    assert any("swagger-ui-bundle.js" in a for a in assets) and any("swagger-ui.css" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, asset
    # The start-up script is one of them and points Swagger UI at our schema.
    script = next(a for a in assets if a.startswith("/api/docs/?"))
    assert b"/api/schema/" in client.get(script).content


def test_the_api_docs_pass_the_content_security_policy():
    response = Client().get("/api/docs/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    assert "<style" not in html and "style=" not in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


def test_the_schema_behind_the_docs_is_served():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert b"/api/v1/complaints/" in response.content
