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


def forwarded(chain: str, peer: str = "10.0.0.2"):
    return RequestFactory().get("/", HTTP_X_FORWARDED_FOR=chain, REMOTE_ADDR=peer)


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(forwarded("1.2.3.4", peer="198.51.100.20")) == "198.51.100.20"
    assert ratelimit.client_ip(forwarded("", peer="198.51.100.20")) == "198.51.100.20"


def test_behind_one_proxy_the_client_is_the_proxys_entry_whatever_came_before(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; whatever the client put before it is ignored.
    assert ratelimit.client_ip(forwarded("1.2.3.4, 198.51.100.20")) == "198.51.100.20"
    assert ratelimit.client_ip(forwarded("198.51.100.20")) == "198.51.100.20"
    assert ratelimit.client_ip(forwarded("9.9.9.9,  8.8.8.8 ,198.51.100.20")) == "198.51.100.20"
    # No header (the request did not come through the proxy) or garbage: the peer.
    assert ratelimit.client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    assert ratelimit.client_ip(forwarded("1.2.3.4, not-an-address")) == "10.0.0.2"


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_ip(forwarded("6.6.6.6, 198.51.100.20, 10.0.0.9")) == "198.51.100.20"
    # Fewer entries than proxies: not the path the operator described; the peer is used.
    assert ratelimit.client_ip(forwarded("198.51.100.20")) == "10.0.0.2"


def test_an_ipv6_client_is_limited_per_64_block(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    first = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::10")
    other_in_block = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    elsewhere = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::10")
    assert ratelimit.client_key(first) == ratelimit.client_key(other_in_block) == "2001:db8:1:2::/64"
    assert ratelimit.client_key(elsewhere) != ratelimit.client_key(first)
    assert ratelimit.client_ip(first) == "2001:db8:1:2::10"  # the audit keeps the address itself
    assert ratelimit.client_key(RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


def test_rotating_forwarded_for_gives_no_fresh_intake_budget_without_trusted_proxies(limits, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        Client(REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .post(URL, valid_payload(), content_type="application/json").status_code
        for n in range(4)
    ]
    assert statuses == [201, 201, 429, 429]
    assert Complaint.objects.count() == 2


def test_behind_a_proxy_each_client_has_its_own_budget_and_forging_the_left_does_not_help(limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def post(chain: str) -> int:
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=chain).post(
            URL, valid_payload(), content_type="application/json").status_code

    assert [post(f"{n}.{n}.{n}.{n}, 198.51.100.30") for n in range(1, 4)] == [201, 201, 429]
    # Another client behind the same proxy is not held back by the first one.
    assert post("198.51.100.31") == 201


def platform_token(username: str) -> str:
    user = User.objects.create_user(username)
    user.groups.add(Group.objects.get_or_create(name="platform")[0])
    return Token.objects.create(user=user).key


@pytest.mark.parametrize(("url", "body", "ok"), [
    ("/api/v1/screen/", {"text": "hello there", "context": "comment"}, 200),
    ("/api/v1/signals/", {"signals": [{"type": "share", "target": "topic:a"}]}, 202),
])
def test_screen_and_signals_are_limited_per_token(limits, url, body, ok):
    key = platform_token("platform-a")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="203.0.113.60")
    assert [client.post(url, body, content_type="application/json").status_code for _ in range(2)] == [ok, ok]
    refused = client.post(url, body, content_type="application/json")
    assert_limited(refused)
    assert set(refused.json()["error"]) == {"code", "message", "fields"}
    # Per token, not per address: the same token elsewhere is still refused, another token is not.
    moved = Client(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="203.0.113.61")
    assert_limited(moved.post(url, body, content_type="application/json"))
    other = Client(HTTP_AUTHORIZATION=f"Token {platform_token('platform-b')}", REMOTE_ADDR="203.0.113.60")
    assert other.post(url, body, content_type="application/json").status_code == ok


def test_every_drf_endpoint_counts_tokens_by_default(limits):
    from django.conf import settings as live
    from rest_framework.settings import api_settings

    assert live.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["takedown.ratelimit.TokenThrottle"]
    assert api_settings.DEFAULT_THROTTLE_CLASSES == [ratelimit.TokenThrottle]
    user = User.objects.create_user("investigator-a")
    user.groups.add(Group.objects.get_or_create(name="investigator")[0])
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    statuses = [client.get("/api/v1/legal-requests/").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429
