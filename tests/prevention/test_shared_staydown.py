"""Staydown shared across the group: a value removed in a case on platform A is caught when
platform B, which shares staydown, screens a disguised re-post; the finding names A's case,
never the value; a platform that did not opt in is not held to other platforms' cases (and
its own removals are not shared). Real intake, a real decision, each platform's own token."""

from __future__ import annotations

import pytest
from django.test import Client

from hostplatform import platforms
from hostplatform.models import Platform
from takedown import roles
from tests.factories import file_notice
from tests.reports.conftest import decide, make_staff

pytestmark = pytest.mark.django_db

PHONE_REPOST = "又来了 l39🔥l234✨5678 快去"  # 13912345678, disguised


def _client(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _screen(client: Client, text: str) -> dict:
    response = client.post("/api/v1/screen/", {"text": text, "context": "post"}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def group(django_capture_on_commit_callbacks):
    platforms.platform_update(platform=Platform.objects.get(is_default=True), domains=["host.example"])
    forum = platforms.platform_create(slug="forum", domains=["forum.example"], shares_staydown=True)
    video = platforms.platform_create(slug="video", domains=["video.example"], shares_staydown=True)
    blog = platforms.platform_create(slug="blog", domains=["blog.example"])  # did not opt in
    return {"forum": forum, "video": video, "blog": blog}


def _removed_on(url: str, django_capture_on_commit_callbacks) -> str:
    complaint = file_notice(items=[(url, "my phone number")], disclosed_info=["phone"],
                            evidence_excerpt="call her on 139 1234 5678").complaint
    with django_capture_on_commit_callbacks(execute=True):
        decide(complaint, make_staff(f"senior-{complaint.pk}", roles.SENIOR_MODERATOR), "remove")
    return complaint.reference


def test_a_value_removed_on_one_platform_is_caught_on_every_platform_sharing_staydown(
        group, django_capture_on_commit_callbacks):
    reference = _removed_on("https://forum.example/t/9", django_capture_on_commit_callbacks)
    on_video = _screen(_client(group["video"].token), PHONE_REPOST)
    [finding] = [f for f in on_video["findings"] if f["type"] == "phone"]
    assert finding["staydown"] == {"case": reference}
    assert on_video["verdict"] != "allow"
    assert "13912345678" not in str(on_video) and "139 1234 5678" not in str(on_video)
    # The platform where it was removed is held to it as well.
    assert _screen(_client(group["forum"].token), PHONE_REPOST)["verdict"] == on_video["verdict"]
    # A platform that did not opt in is not held to another platform's case.
    on_blog = _screen(_client(group["blog"].token), PHONE_REPOST)
    assert all(f.get("staydown") is None for f in on_blog["findings"])
    assert reference not in str(on_blog)


def test_a_platform_that_did_not_opt_in_keeps_its_removals_to_itself(group, django_capture_on_commit_callbacks):
    reference = _removed_on("https://blog.example/post/3", django_capture_on_commit_callbacks)
    on_blog = _screen(_client(group["blog"].token), PHONE_REPOST)
    assert [f["staydown"] for f in on_blog["findings"] if f["type"] == "phone"] == [{"case": reference}]
    for other in ("forum", "video"):
        answer = _screen(_client(group[other].token), PHONE_REPOST)
        assert all(f.get("staydown") is None for f in answer["findings"]), other
