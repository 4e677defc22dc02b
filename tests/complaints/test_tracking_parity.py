"""The tracking page and ``GET /api/v1/track/<token>/`` show the same facts: one selector
(``complaints.selectors.tracking_status``) feeds both. A case goes through a decision, the
platform's work on each item, a counter-notice and protection; then every fact the page
shows is looked up in the API's answer, and the API's main facts on the page."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from rest_framework.test import APIClient

from complaints import services as complaint_services
from complaints.vocabulary import Channel
from hostplatform.models import DemoPlatformAction
from moderation.models import ItemAction
from moderation.services.decisions import item_action_report
from tests.factories import token_client

pytestmark = pytest.mark.django_db

REPOST_URL = "https://elsewhere.example/thread/9"


class Marked(HTMLParser):
    """The page's elements that carry a ``data-*`` attribute or a class, with their text."""

    VOID = {"br", "input", "img", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        element = {"tag": tag, "attrs": dict(attrs), "text": []}
        self.stack.append(element)
        self.found.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            element = self.stack.pop()
            element["text"] = " ".join("".join(element["text"]).split())
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"].append(data)

    def select(self, **attrs) -> list[dict]:
        return [e for e in self.found if all(e["attrs"].get(k) == v for k, v in attrs.items())]

    def having(self, attribute: str) -> list[dict]:
        return [e for e in self.found if attribute in e["attrs"]]


def parse(page: str) -> Marked:
    parser = Marked()
    parser.feed(page)
    parser.close()
    return parser


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def through_the_process(moderator, django_capture_on_commit_callbacks):
    """A notice about two posts (the platform refuses one), decided ``remove``,
    carried out where it can be, objected to by the poster, with protection on."""

    def run(*, accept_language: str = "en"):
        data = complaint_services.ComplaintInput(
            complainant_name="Chen Jing", complainant_email="chen@example.com",
            items=[("https://social.example/p/1", "my address"), (REPOST_URL, "a repost")],
            disclosed_info=["home_address", "phone_number"], explanation="My home address was posted.",
            evidence_excerpt="Lives at 12 Example Road", good_faith_declaration=True,
        )
        submission = complaint_services.complaint_submit(data=data, channel=Channel.WEB)
        complaint, token = submission.complaint, submission.token
        staff = token_client(moderator)
        with django_capture_on_commit_callbacks(execute=True):
            assert staff.post(f"/api/v1/cases/{complaint.reference}/claim").status_code == 200
            decided = staff.post(f"/api/v1/cases/{complaint.reference}/decisions", {
                "measure": "remove",
                "facts": "The post shows the complainant's home address next to her name.",
                "legal_ground": "Civil Code Art. 1034 and 1195",
                "explanation": "Publishing a private person's home address without consent is unlawful.",
            }, format="json")
        assert decided.status_code == 201, decided.content
        link = DemoPlatformAction.objects.filter(event="poster.notice").latest("pk").payload["counter_notice_url"]
        poster = link.rstrip("/").rsplit("/", 1)[1]
        with django_capture_on_commit_callbacks(execute=True):
            objected = APIClient().post("/api/v1/counter-notices/", {
                "token": poster, "name": "Liu Yang", "email": "liu@example.net",
                "statement": "The address is my shop's.", "evidence": "Business licence 123",
            }, format="json")
            assert objected.status_code == 201, objected.content
            protected = APIClient().post(f"/api/v1/track/{token}/protection", {"account": "@chen"}, format="json")
            assert protected.status_code == 201, protected.content
        # The platform reports that it refused the repost (its signed report, through the service).
        refused = ItemAction.objects.get(decision__complaint=complaint, kind="apply", item__url=REPOST_URL)
        item_action_report(action_id=refused.pk, outcome="refused", note="Satire, in our view.", actor="platform:demo")
        page = Client(headers={"accept-language": accept_language}).get(f"/track/{token}/")
        api = APIClient(headers={"accept-language": accept_language}).get(f"/api/v1/track/{token}/")
        assert page.status_code == 200 and api.status_code == 200
        return complaint, page.content.decode(), api.json()

    return run


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_fact_of_the_tracking_page_is_in_the_api_with_the_same_value(through_the_process, language):
    complaint, page, api = through_the_process(accept_language=language)
    marked, words = parse(page), text_of(page)
    states = {a.item.url: a.state for a in ItemAction.objects.filter(decision__complaint=complaint, kind="apply")
              .select_related("item")}
    assert len(set(states.values())) == 2, states  # one carried out, one refused

    # The status block.
    assert marked.select(**{"class": "status"})[0]["attrs"]["data-status"] == api["status"]
    assert marked.select(**{"class": "status"})[0]["text"] == api["status_label"]
    assert f"{api['priority_label']} ({api['priority']})" in words
    assert api["reference"] in words and api["evidence_excerpt"] in words
    assert [e["attrs"]["data-code"] for e in marked.having("data-code")] == [e["code"] for e in api["timeline"]]
    for event in api["timeline"]:
        assert event["label"] in words

    # The outcome: measure, state, explanation, redress, each item's action, counter-notice.
    decisions = api["sections"]["outcome"]["decisions"]
    shown = marked.having("data-measure")
    assert [(d["attrs"]["data-measure"], d["attrs"]["data-state"]) for d in shown] == [
        (d["measure"], d["state"]) for d in decisions]
    for on_page, entry in zip(shown, decisions, strict=True):
        assert entry["measure_label"] in on_page["text"]
        assert " ".join(entry["explanation"].split()) in on_page["text"]
        assert " ".join(entry["redress"].split()) in on_page["text"]
        items = [e for e in marked.having("data-item")]
        assert [(int(i["attrs"]["data-item"]), i["attrs"]["data-state"]) for i in items] == [
            (a["item_id"], a["state"]) for a in entry["item_actions"]]
        for item, action in zip(items, entry["item_actions"], strict=True):
            assert item["text"] == f"{action['url']}: {action['state_label']}"
            assert states[action["url"]] == action["state"]
        counters = [e for e in marked.having("data-state") if "counter-notice" in e["attrs"].get("class", "")]
        assert [c["attrs"]["data-state"] for c in counters] == [c["state"] for c in entry["counter_notices"]]
        assert [c["state"] for c in entry["counter_notices"]] == ["waiting"]
        for counter, data in zip(counters, entry["counter_notices"], strict=True):
            assert data["state_label"] in counter["text"] and data["statement"] in counter["text"]
        assert entry["can_appeal"] is True and entry["appeal_note"] == ""
        assert bool(marked.select(name="grounds") or "name=\"grounds\"" in page) is entry["can_appeal"]

    # Protection.
    protection = api["sections"]["protection"]
    assert protection["active"] is True and protection["until"]
    assert marked.select(**{"data-protection": "active"})
    for label in protection["restrictions"]:
        assert label in words

    # And the other way: each data-* fact the page carries is one the API holds.
    api_values = set()

    def collect(value):
        if isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        elif value is not None:
            api_values.add(str(value))

    collect(api)
    for attribute in ("data-status", "data-measure", "data-state", "data-item", "data-code", "data-missing",
                      "data-appeal"):
        for element in marked.having(attribute):
            assert element["attrs"][attribute] in api_values, (attribute, element)
