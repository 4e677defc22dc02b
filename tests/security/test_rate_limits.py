"""Rate limits per IP and per token: 429 with Retry-After, in the one error shape.

They count in the shared cache: Redis when REDIS_URL is set (run this module with it to
test the production arrangement), the database cache otherwise.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from complaints.models import Complaint
from takedown import ratelimit
from tests.conftest import valid_payload
from tests.security.conftest import file_complaint

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {"public_intake": "2/600", "public_track": "3/60", "token": "2/60"}
    return settings.RATE_LIMITS


def assert_limited(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["error"]["code"] == "rate_limited"


def test_api_intake_is_limited_per_ip_and_other_ips_keep_their_budget(limits):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(2):
        assert client.post(URL, valid_payload(), content_type="application/json").status_code == 201
    assert_limited(client.post(URL, valid_payload(), content_type="application/json"))
    assert Complaint.objects.count() == 2  # the refused notice was not stored
    other = Client(REMOTE_ADDR="203.0.113.6")
    assert other.post(URL, valid_payload(), content_type="application/json").status_code == 201


def test_web_form_is_limited_per_ip_with_a_page_and_retry_after(limits):
    from tests.complaints.test_web import form_data

    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(2):
        assert client.post("/report/", form_data()).status_code == 302
    response = client.post("/report/", form_data())
    assert_limited(response)
    assert response["Content-Type"].startswith("text/html")
    # What the person typed is still on the page: nothing they wrote is thrown away.
    assert "Posted my address." in response.content.decode()
    assert Complaint.objects.count() == 2


def test_tracking_pages_are_limited_per_ip_so_tokens_cannot_be_guessed_fast(limits):
    token = file_complaint().token
    client = Client(REMOTE_ADDR="192.0.2.9")
    statuses = [client.get(f"/track/guess{i:040d}/").status_code for i in range(3)]
    assert statuses == [404, 404, 404]
    assert_limited(client.get(f"/track/{token}/"))
    assert_limited(client.get(f"/api/v1/track/{token}/"))


def test_token_clients_are_limited_per_token(limits):
    user = User.objects.create_user("ngo")
    user.groups.add(Group.objects.get_or_create(name="trusted_flagger")[0])
    key = Token.objects.create(user=user).key
    client = Client(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="203.0.113.50")
    body = {"complaints": [valid_payload(client_key="k1")]}
    for _ in range(2):
        assert client.post(URL + "batch/", body, content_type="application/json").status_code in (200, 201, 207)
    assert_limited(client.post(URL + "batch/", body, content_type="application/json"))
    # The budget is the token's, not the address's: another address does not reset it.
    moved = Client(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="203.0.113.51")
    assert_limited(moved.post(URL + "batch/", body, content_type="application/json"))


def test_forged_forwarded_for_does_not_give_a_fresh_budget(settings):
    settings.PRODUCTION = True
    factory = RequestFactory()
    # The proxy appends the address it saw; whatever the client put before it is ignored.
    forged = factory.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20", REMOTE_ADDR="10.0.0.2")
    plain = factory.get("/", HTTP_X_FORWARDED_FOR="198.51.100.20", REMOTE_ADDR="10.0.0.2")
    assert ratelimit.client_ip(forged) == ratelimit.client_ip(plain) == "198.51.100.20"
    settings.TRUSTED_PROXY_COUNT = 2
    chained = factory.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20, 10.0.0.9", REMOTE_ADDR="10.0.0.2")
    assert ratelimit.client_ip(chained) == "198.51.100.20"


def test_outside_production_forwarded_for_is_ignored(settings):
    settings.PRODUCTION = False
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="127.0.0.1")
    assert ratelimit.client_ip(request) == "127.0.0.1"
