"""A group of host platforms: routing each item to the platform owning its site, each
platform's own signed webhooks (its URL, its secrets) checked by a real receiver process
with the stock `standardwebhooks` library, the victim's per-platform view, onboarding by
command and admin API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from hostplatform import platforms, routing
from hostplatform.models import ItemRoute, Platform, WebhookDelivery
from moderation.models import ItemAction
from takedown import roles
from tests.factories import make_user, verified_client
from tests.openapi import assert_documented
from tests.reports.conftest import decide, make_staff, submit

RECEIVER = Path(__file__).with_name("receiver_process.py")


# --- Routing (pure) ----------------------------------------------------------------------------


def owners():
    return [routing.Owner(1, ["forum.example"], ["forum"]), routing.Owner(2, ["video.example", "xn--frum-qqa.example"], []),
            routing.Owner(3, ["live.forum.example"], ["live"])]


@pytest.mark.parametrize(("value", "owner"), [
    ("https://forum.example/t/1", 1),
    ("https://M.Forum.Example./t/1", 1),  # case, trailing dot, subdomain
    ("https://myforum.example/t/1", None),  # not on a label boundary
    ("https://forum.example.evil.test/t/1", None),
    ("https://live.forum.example/s/9", 3),  # the longest suffix wins
    ("https://fórum.example/x", 2),  # IDNA: the Unicode form matches the A-label
    ("https://user:pw@video.example:8443/v/1", 2),
    ("forum:4987654321", 1),
    ("live:room/7", 3),
    ("weibo:123", None),
    ("not a location", None),
])
def test_an_item_belongs_to_the_platform_owning_its_host_or_prefix(value, owner):
    assert routing.owner_of(routing.location_of(value), owners()) == owner


def test_host_names_are_normalised_or_refused():
    assert routing.normalise_host("Fórum.Example.") == "xn--frum-qqa.example"
    assert routing.normalise_host("exa mple.com") == ""
    assert routing.normalise_prefix("Forum:") == "forum"


# --- Onboarding --------------------------------------------------------------------------------


def test_the_setting_platform_is_the_default_and_keeps_receiving_everything(db):
    default = Platform.objects.get(is_default=True)
    complaint = submit(urls=("https://anywhere.example/p/1",)).complaint
    [route] = ItemRoute.objects.filter(item__complaint=complaint)
    assert route.platform == default and route.site == "anywhere.example"


def test_platform_add_prints_the_token_and_secret_once_and_routes_its_domains(db, capsys):
    call_command("platform_add", "forum", "--domains", "Forum.Example,m.forum.example", "--webhook-url",
                 "https://hooks.forum.example/takedown", "--share-staydown")
    out = capsys.readouterr().out
    token = out.split("token: ")[1].split()[0]
    secret = out.split("webhook secret: ")[1].split()[0]
    forum = Platform.objects.get(slug="forum")
    assert forum.domains == ["forum.example", "m.forum.example"] and forum.shares_staydown
    assert platforms.active_secrets(forum) == [secret] and secret.startswith("whsec_")
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert platforms.platform_of_user(forum.accounts.get().user) == forum
    assert client.post("/api/v1/screen/", {"text": "hello", "context": "post"}, content_type="application/json"
                       ).status_code == 200
    # The secret is stored encrypted, and the audit log names the secret's row, not its value.
    from audit.models import AuditEvent
    assert secret not in json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))
    with pytest.raises(Exception, match="already belongs"):
        call_command("platform_add", "other", "--domains", "forum.example")


def test_the_admin_api_lists_creates_and_updates_platforms_with_the_one_error_shape(db):
    admin_web = verified_client(make_user("admin2", roles.ADMIN))
    created = admin_web.post("/api/v1/platforms/", {"slug": "video", "name": "Video", "domains": ["video.example"],
                                                   "webhook_url": "https://video.example/hook"},
                             content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["token"] and body["webhook_secret"].startswith("whsec_") and body["domains"] == ["video.example"]
    listed = admin_web.get("/api/v1/platforms/").json()
    assert {p["slug"] for p in listed} == {"host", "video"}
    assert all("webhook_secret" not in p and "token" not in p for p in listed)
    changed = admin_web.patch(f"/api/v1/platforms/{body['id']}/", {"shares_signals": True, "domains": ["V.example"]},
                              content_type="application/json")
    assert changed.status_code == 200 and changed.json()["domains"] == ["v.example"] and changed.json()["shares_signals"]
    bad = admin_web.patch(f"/api/v1/platforms/{body['id']}/", {"domains": ["not a host"]}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid" and "domains" in bad.json()["error"]["fields"]
    twice = admin_web.post("/api/v1/platforms/", {"slug": "video"}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "conflict"
    missing = admin_web.get("/api/v1/platforms/9999/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    # Other roles, a platform's own token included, may not manage platforms.
    moderator = verified_client(make_user("mod1", roles.MODERATOR))
    refused = moderator.get("/api/v1/platforms/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    platform_token = Client(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert platform_token.get("/api/v1/platforms/").status_code == 403
    assert platform_token.post("/api/v1/platforms/", {"slug": "mine"}, content_type="application/json").status_code == 403
    assert not Platform.objects.filter(slug="mine").exists()


def test_the_schema_documents_the_platforms_api(db):
    schema = json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/platforms/"])
    assert "patch" in schema["paths"]["/api/v1/platforms/{id}/"]
    assert "webhook_secret" in schema["components"]["schemas"]["PlatformCreatedOut"]["properties"]


# --- Two platforms, each its own receiver process ---------------------------------------------


class ReceiverProcess:
    def __init__(self, tmp_path: Path, name: str, secrets: list[str]):
        self.log = tmp_path / f"{name}.jsonl"
        port_file = tmp_path / f"{name}.port"
        env = {**os.environ, "RECEIVER_SECRETS": ",".join(secrets), "RECEIVER_LOG": str(self.log),
               "RECEIVER_PORT_FILE": str(port_file)}
        self.process = subprocess.Popen([sys.executable, str(RECEIVER)], env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"receiver {name} did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port_file.read_text()}/hooks"

    def received(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def group(db, tmp_path):
    """Platforms forum and video, each with its own receiver process and secrets; the default
    platform owns the microblog (so a site of nobody stays outside the group)."""
    default = Platform.objects.get(is_default=True)
    platforms.platform_update(platform=default, domains=["microblog.example"])
    made = {}
    receivers = {}
    for slug, domain in (("forum", "forum.example"), ("video", "video.example")):
        new = platforms.platform_create(slug=slug, name=slug.title(), domains=[domain])
        rotated = platforms.secret_add(platform=new.platform)  # two active secrets: a rotation
        receivers[slug] = ReceiverProcess(tmp_path, slug, [new.secret, rotated])
        made[slug] = platforms.platform_update(platform=new.platform, webhook_url=receivers[slug].url)
    yield made, receivers
    for receiver in receivers.values():
        receiver.stop()


URLS = ("https://forum.example/t/1", "https://m.forum.example/t/2", "https://video.example/v/3",
        "https://paste.unknown.example/x")


def test_one_notice_reaches_each_platform_with_only_its_items_and_the_victim_sees_each(
        group, django_capture_on_commit_callbacks):
    made, receivers = group
    senior = make_staff("senior1", roles.SENIOR_MODERATOR)
    submission = submit(urls=URLS)
    complaint = submission.complaint
    routes = {r.item.url: r for r in ItemRoute.objects.select_related("item", "platform").filter(item__complaint=complaint)}
    assert routes[URLS[0]].platform == made["forum"] and routes[URLS[1]].platform == made["forum"]
    assert routes[URLS[2]].platform == made["video"]
    assert routes[URLS[3]].platform is None and routes[URLS[3]].site == "paste.unknown.example"
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(complaint, senior, "remove")

    forum_got = [r for r in receivers["forum"].received() if r["body"]["type"] == "measure.apply"]
    video_got = [r for r in receivers["video"].received() if r["body"]["type"] == "measure.apply"]
    assert sorted(r["body"]["data"]["item"]["url"] for r in forum_got) == [URLS[0], URLS[1]]
    assert [r["body"]["data"]["item"]["url"] for r in video_got] == [URLS[2]]
    # Each verified with the stock library against its own two secrets, and only its own.
    assert all(r["verified"] == [True, True] for r in forum_got + video_got)
    # The poster's notice: each platform gets it with only its own items.
    [forum_notice] = [r for r in receivers["forum"].received() if r["body"]["type"] == "poster.notice"]
    assert sorted(i["url"] for i in forum_notice["body"]["data"]["items"]) == [URLS[0], URLS[1]]
    [video_notice] = [r for r in receivers["video"].received() if r["body"]["type"] == "poster.notice"]
    assert [i["url"] for i in video_notice["body"]["data"]["items"]] == [URLS[2]]
    # Nothing went to the default platform, and nothing anywhere for the unknown site.
    assert not WebhookDelivery.objects.filter(platform__is_default=True).exists()
    assert URLS[3] not in json.dumps([r["body"] for r in receivers["forum"].received() + receivers["video"].received()])
    states = {a.item.url: a.state for a in ItemAction.objects.filter(decision=decision).select_related("item")}
    assert states == {URLS[0]: "done", URLS[1]: "done", URLS[2]: "done", URLS[3]: "outside"}

    answer = Client().get(f"/api/v1/track/{submission.token}/")
    assert_documented(answer, "/api/v1/track/{token}/")  # every section as its layer documents it
    tracking = answer.json()
    assert {"outcome", "platforms"} <= set(tracking["sections"])
    section = tracking["sections"]["platforms"]
    assert {p["slug"]: (p["state"], p["done"], p["total"]) for p in section["platforms"]} == {
        "forum": ("done", 2, 2), "video": ("done", 1, 1)}
    assert section["outside_sites"] == ["paste.unknown.example"]
    page = Client().get(f"/track/{submission.token}/").content.decode()
    assert 'data-platform="forum" data-state="done"' in page and 'data-outside-site="paste.unknown.example"' in page
    assert "We cannot act on these sites" in page
    staff_page = verified_client(senior).get(f"/staff/cases/{complaint.reference}/").content.decode()
    assert 'data-platform="video"' in staff_page and "paste.unknown.example" in staff_page


def test_a_platform_that_does_not_answer_stays_pending_while_the_other_is_done(
        group, django_capture_on_commit_callbacks):
    made, receivers = group
    receivers["video"].stop()  # the video platform's endpoint is down: its deliveries are retried
    senior = make_staff("senior1", roles.SENIOR_MODERATOR)
    submission = submit(urls=URLS[:3])
    with django_capture_on_commit_callbacks(execute=True):
        decide(submission.complaint, senior, "remove")
    section = Client().get(f"/api/v1/track/{submission.token}/").json()["sections"]["platforms"]
    states = {p["slug"]: p["state"] for p in section["platforms"]}
    assert states["forum"] == "done" and states["video"] == "pending"
    assert section["outside_sites"] == []


def test_each_demo_platform_accepts_only_webhooks_signed_with_its_own_secrets(db):
    from hostplatform import services, signing

    forum = platforms.platform_create(slug="forum", domains=["forum.example"])
    video = platforms.platform_create(slug="video", domains=["video.example"])
    body = json.dumps({"id": "k-1", "type": "measure.apply", "timestamp": "2026-01-01T00:00:00+00:00",
                       "data": {"item": {"url": "https://forum.example/t/1"}}}).encode()

    def post(slug, platform):
        signed = signing.headers(services.signing_keys(platform), "k-1", int(time.time()), body)
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
        return Client().post(f"/demo-platform/{slug}/webhook", body, content_type="application/json", **headers)

    refused = post("forum", video.platform)  # signed with the video platform's secret
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "bad_signature"
    accepted = post("forum", forum.platform)
    assert accepted.status_code == 200 and accepted.json()["repeat"] is False
    from hostplatform.models import DemoPlatformAction
    assert DemoPlatformAction.objects.get().platform == forum.platform


def test_the_receipt_already_names_the_sites_the_desk_cannot_act_on(db):
    from hostplatform.platforms import forget_cached_routing
    from tests.complaints.test_web import form_data

    default = Platform.objects.get(is_default=True)
    platforms.platform_update(platform=default, domains=["microblog.example"])
    platforms.platform_create(slug="forum", name="Forum", domains=["forum.example"])
    forget_cached_routing()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = client.post("/report/", form_data(item_url_0="https://forum.example/t/1",
                                             item_url_1="https://paste.unknown.example/x"), follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and "data-report-sent" in html
    assert 'data-outside-site="paste.unknown.example"' in html
    assert "我们无法对这些网站采取行动" in html
    assert 'data-platform="forum"' in html
    # A notice only on the group's sites: the receipt says nothing of sites outside it.
    page = Client().post("/report/", form_data(item_url_0="https://forum.example/t/2"), follow=True)
    assert "data-report-sent" in page.content.decode() and "data-outside-site" not in page.content.decode()
