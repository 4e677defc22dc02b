"""The shipped stack puts nginx in front of gunicorn and tells the application so.

Read from docker-compose.yml and deploy/nginx.conf as an operator deploys them: only the
proxy publishes ports, gunicorn sits on an internal network with it, the web service trusts
exactly one proxy, and the proxy appends the address it saw, buffers whole bodies and
refuses what the application would refuse as too large.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()


def test_only_the_proxy_faces_the_outside():
    services = COMPOSE["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert COMPOSE["networks"]["internal"] == {"internal": True}
    assert set(services["web"]["networks"]) == {"internal", "default"}
    assert "internal" in services["proxy"]["networks"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]


def test_the_web_service_trusts_exactly_the_one_proxy_and_keeps_the_rest_of_its_settings():
    web = COMPOSE["services"]["web"]["environment"]
    worker = COMPOSE["services"]["worker"]["environment"]
    assert web["TRUSTED_PROXY_COUNT"] == "1"
    assert {k: v for k, v in web.items() if k != "TRUSTED_PROXY_COUNT"} == worker


def test_nginx_appends_the_client_address_and_passes_the_scheme():
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;", NGINX)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", NGINX)
    assert re.search(r"server\s+web:8000;", NGINX)


def test_nginx_reads_bodies_whole_and_refuses_what_the_application_refuses_as_too_large():
    assert re.search(r"proxy_request_buffering\s+on;", NGINX)
    megabytes = int(re.search(r"client_max_body_size\s+(\d+)m;", NGINX)[1])
    # With the default evidence limits (the compose file does not change them).
    assert megabytes * 1024 * 1024 == settings.REQUEST_MAX_BYTES
