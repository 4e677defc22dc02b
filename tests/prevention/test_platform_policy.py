"""Each platform of the group may have its own screening rules: a platform's rule takes the
place of the group's for the same kind when that platform screens, and no other platform is
screened under it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from hostplatform import platforms
from prevention.models import ScreeningRule
from prevention.policy import forget_cached_rules, verdict_for

pytestmark = pytest.mark.django_db

POST = "If anyone wants to reach him his number is 139 1234 5678."


def _verdict(token: str, text: str = POST, context: str = "post") -> str:
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/screen/", {"text": text, "context": context}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["verdict"]


def test_a_platforms_own_rule_applies_to_it_alone(default_screening_rules):
    forum = platforms.platform_create(slug="forum", domains=["forum.example"])
    blog = platforms.platform_create(slug="blog", domains=["blog.example"])
    group_verdict = verdict_for("post", "phone")
    assert group_verdict in {"warn", "block"}
    stricter = "block" if group_verdict == "warn" else "warn"
    ScreeningRule.objects.create(platform=forum.platform, context="*", kind="phone", verdict=stricter)
    forget_cached_rules()
    assert _verdict(forum.token) == stricter
    assert _verdict(blog.token) == group_verdict
    assert verdict_for("post", "phone") == group_verdict  # the desk's own screening: the group's rule
    assert verdict_for("post", "phone", platform_id=forum.platform.pk) == stricter
    # A platform may also allow what the group warns about, for itself.
    ScreeningRule.objects.create(platform=blog.platform, context="post", kind="phone", verdict="allow")
    forget_cached_rules()
    assert _verdict(blog.token) == "allow"
    assert _verdict(blog.token, context="comment") == verdict_for("comment", "phone")


def test_one_rule_per_platform_kind_and_context():
    forum = platforms.platform_create(slug="forum", domains=["forum.example"]).platform
    ScreeningRule.objects.create(platform=forum, context="post", kind="email", verdict="warn")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningRule.objects.create(platform=forum, context="post", kind="email", verdict="block")
    # The group's rule and the platform's live side by side.
    ScreeningRule.objects.filter(platform__isnull=True, context="post", kind="email").delete()
    ScreeningRule.objects.create(context="post", kind="email", verdict="block")
    assert ScreeningRule.objects.filter(context="post", kind="email").count() == 2
