"""Statements of reasons per platform of the group: each platform's token gets only the
statements of decisions on its own items, each under its own DSA platform identifier; staff
get the group's, or one platform's with ?platform=<slug>."""

from __future__ import annotations

import pytest
from django.test import Client

from hostplatform import platforms
from hostplatform.models import Platform
from takedown import roles
from tests.factories import make_user, verified_client
from tests.reports.conftest import decide, make_staff, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/statements-of-reasons/"


@pytest.fixture
def group(django_capture_on_commit_callbacks):
    platforms.platform_update(platform=Platform.objects.get(is_default=True), domains=["host.example"])
    forum = platforms.platform_create(slug="forum", domains=["forum.example"], dsa_platform_id="forum-eu-42")
    video = platforms.platform_create(slug="video", domains=["video.example"], dsa_platform_id="video-eu-7")
    senior = make_staff("senior1", roles.SENIOR_MODERATOR)
    both = submit(urls=("https://forum.example/t/1", "https://video.example/v/2")).complaint
    forum_only = submit(urls=("https://forum.example/t/3",)).complaint
    with django_capture_on_commit_callbacks(execute=True):
        on_both = decide(both, senior, "remove", territorial_scope=["DE"])
        on_forum = decide(forum_only, senior, "remove", territorial_scope=["FR"])
    return {"forum": forum, "video": video, "on_both": on_both, "on_forum": on_forum}


def _puids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [s["puid"] for s in response.json()["statements"]]


def test_each_platform_gets_only_its_own_statements_under_its_own_identifier(group):
    both, forum_only = group["on_both"].pk, group["on_forum"].pk
    forum = Client(HTTP_AUTHORIZATION=f"Token {group['forum'].token}")
    video = Client(HTTP_AUTHORIZATION=f"Token {group['video'].token}")
    assert _puids(forum.get(URL)) == [f"forum-eu-42-decision-{both}", f"forum-eu-42-decision-{forum_only}"]
    assert _puids(video.get(URL)) == [f"video-eu-7-decision-{both}"]
    # A platform cannot ask for another platform's statements.
    assert _puids(video.get(URL, {"platform": "forum"})) == [f"video-eu-7-decision-{both}"]


def test_staff_get_the_group_or_one_platform(group, settings):
    both, forum_only = group["on_both"].pk, group["on_forum"].pk
    staff = verified_client(make_user("mod1", roles.MODERATOR))
    prefix = settings.DSA_PUID_PREFIX
    assert _puids(staff.get(URL)) == [f"{prefix}-decision-{both}", f"{prefix}-decision-{forum_only}"]
    assert _puids(staff.get(URL, {"platform": "video"})) == [f"video-eu-7-decision-{both}"]
    unknown = staff.get(URL, {"platform": "nosuch"})
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"]["platform"]
