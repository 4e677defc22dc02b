"""The staff login lockout counts per account and client, and per client: a stranger's
wrong passwords lock the stranger, never the account's owner at their own client.

Requests come as they do behind the compose file's proxy: from the proxy's address, with
the client in X-Forwarded-For (TRUSTED_PROXY_COUNT = 1).
"""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from takedown import roles
from tests.moderation.conftest import PASSWORD, code_for, make_staff

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"
STRANGER = "203.0.113.66"
OWNER = "198.51.100.44"


@pytest.fixture(autouse=True)
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.STAFF_LOGIN_MAX_FAILURES = 5
    settings.STAFF_LOGIN_MAX_FAILURES_PER_CLIENT = 8


def browser(client_address: str, forged: str = "") -> Client:
    chain = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain, HTTP_ACCEPT_LANGUAGE="en")


def password_step(client: Client, username: str, password: str) -> int:
    return client.post("/staff/login/", {"username": username, "password": password}).status_code


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out_from_their_own_client():
    owner = make_staff("mod-owner", roles.MODERATOR)
    stranger = browser(STRANGER)
    statuses = [password_step(stranger, "mod-owner", "wrong-guess") for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 429, 429]
    # The stranger is locked even with the right password...
    assert password_step(stranger, "mod-owner", PASSWORD) == 429
    # ...and forging another address in front of the proxy's entry does not help.
    assert password_step(browser(STRANGER, forged=OWNER), "mod-owner", PASSWORD) == 429
    # The owner, from their own client, signs in with both factors.
    mine = browser(OWNER)
    assert password_step(mine, "mod-owner", PASSWORD) == 302
    verified = mine.post("/staff/login/verify/", {"code": code_for(owner)})
    assert verified.status_code == 302
    assert AuditEvent.objects.filter(code="staff.login", actor=f"user:{owner.pk}").exists()
    locked = AuditEvent.objects.get(code="staff.login_locked")
    assert locked.details["username"] == "mod-owner" and locked.details["scope"] == "account_at_client"


def test_one_client_spraying_many_accounts_is_locked_whatever_the_account():
    make_staff("mod-c", roles.MODERATOR)
    sprayer = browser(STRANGER)
    statuses = [password_step(sprayer, f"guess-{n}", "wrong") for n in range(8)]
    assert statuses[:7] == [400] * 7 and statuses[7] == 429
    # A fresh account name from the same client: still locked, the client is.
    assert password_step(sprayer, "mod-c", PASSWORD) == 429
    assert AuditEvent.objects.filter(code="staff.login_locked", details__scope="client").exists()
    # Everyone else signs in as before.
    assert password_step(browser(OWNER), "mod-c", PASSWORD) == 302


def test_wrong_codes_after_the_right_password_count_for_that_client_only(settings):
    # The TOTP device's own backoff (django-otp: 1, 2, 4 ... seconds after each wrong code,
    # for the account, so the six digits cannot be guessed from many clients at once) is
    # left out here: this test is about the lockout, which never reaches the owner.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    owner = make_staff("mod-d", roles.MODERATOR)
    stranger = browser(STRANGER)
    assert password_step(stranger, "mod-d", PASSWORD) == 302  # the password leaked, not the phone
    codes = [stranger.post("/staff/login/verify/", {"code": "000000"}).status_code for _ in range(5)]
    assert codes[-1] == 429
    mine = browser(OWNER)
    assert password_step(mine, "mod-d", PASSWORD) == 302
    assert mine.post("/staff/login/verify/", {"code": code_for(owner)}).status_code == 302


def test_without_trusted_proxies_the_forwarded_header_cannot_pick_a_fresh_counter(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    make_staff("mod-e", roles.MODERATOR)
    statuses = [
        password_step(Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), "mod-e", "wrong")
        for n in range(6)
    ]
    assert statuses[4:] == [429, 429]
