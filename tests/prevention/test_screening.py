from __future__ import annotations

import pytest

from audit.models import AuditEvent
from prevention.auth import forget_cached_tokens
from prevention.models import ScreeningRule
from prevention.policy import forget_cached_rules, verdict_for
from prevention.protection import forget_cached_names
from prevention.staydown import record_removed_values
from tests.prevention.conftest import removal_decision, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/screen/"
ID_NUMBER = "11010519491231002X"


@pytest.fixture(autouse=True)
def _fresh_caches():
    forget_cached_rules()
    forget_cached_names()
    forget_cached_tokens()
    yield
    forget_cached_rules()
    forget_cached_names()
    forget_cached_tokens()


def _screen(client, text, context="post", **extra):
    return client.post(URL, {"text": text, "context": context, **extra}, format="json")


def test_ordinary_text_is_allowed_with_no_findings_and_leaves_no_audit_event(platform_client):
    response = _screen(platform_client, "Lovely weather in Hangzhou today, the lake is full of boats.")
    assert response.status_code == 200
    assert response.json() == {"verdict": "allow", "findings": [], "warning": None, "protection": []}
    assert not AuditEvent.objects.filter(code="screening.flagged").exists()


def test_an_id_number_in_a_post_is_blocked_with_its_span_and_a_chinese_warning(platform_client):
    text = f"他的身份证是{ID_NUMBER}，大家去找他"
    body = _screen(platform_client, text, language="zh-hans").json()
    assert body["verdict"] == "block"
    (finding,) = body["findings"]
    assert finding["type"] == "id_number"
    assert text[finding["start"] : finding["end"]] == ID_NUMBER
    assert finding["staydown"] is None
    assert "身份证号" in body["warning"] and "请删除" in body["warning"]
    event = AuditEvent.objects.get(code="screening.flagged")
    assert event.details["verdict"] == "block" and ID_NUMBER not in str(event.details)


def test_the_same_phone_number_is_judged_by_context(platform_client):
    text = "call me on 139 1234 5678"
    verdicts = {ctx: _screen(platform_client, text, ctx).json()["verdict"] for ctx in ("post", "message", "profile", "search")}
    assert verdicts == {"post": "warn", "message": "allow", "profile": "allow", "search": "limit"}
    warning = _screen(platform_client, text, "post").json()["warning"]
    assert "a phone number" in warning and "Do you still want to publish it?" in warning


def test_an_admin_edit_of_the_policy_applies_after_the_cache_is_refreshed(platform_client):
    assert verdict_for("message", "phone") == "allow"
    ScreeningRule.objects.update_or_create(context="message", kind="phone", defaults={"verdict": "block"})
    assert verdict_for("message", "phone") == "allow"  # still the cached table
    forget_cached_rules()
    assert verdict_for("message", "phone") == "block"
    assert _screen(platform_client, "13912345678", "message").json()["verdict"] == "block"


def test_a_rule_below_its_confidence_floor_does_not_fire():
    ScreeningRule.objects.filter(kind="id_number").update(min_confidence=0.999)
    forget_cached_rules()
    assert verdict_for("post", "id_number", 0.99) == "allow"
    assert verdict_for("post", "id_number", 1.0) == "block"


def test_unknown_contexts_fall_back_to_the_wildcard_rule():
    assert verdict_for("comment", "id_number") == "block"  # from the "*" row
    assert verdict_for("post", "staydown") == "block"


def test_staydown_round_trip_blocks_a_repost_and_names_the_case(platform_client, complaint):
    record_removed_values(removal_decision(complaint))
    # Re-posted with full-width digits and spaces: the same value after normalisation.
    repost = "again: 1101 0519 4912 3100 2X and ｔｅｌ １３９１２３４５６７８"
    body = _screen(platform_client, repost, "message").json()
    assert body["verdict"] == "block"
    staydown = {f["type"]: f["staydown"] for f in body["findings"]}
    assert staydown["id_number"] == {"case": complaint.reference}
    assert staydown["phone"] == {"case": complaint.reference}
    assert complaint.reference in body["warning"]
    event = AuditEvent.objects.get(code="screening.flagged")
    assert event.target_type == "staydown" and event.details["staydown_cases"] == [complaint.reference]


def test_screening_costs_one_query_with_warm_caches(platform_client, complaint, django_assert_max_num_queries):
    record_removed_values(removal_decision(complaint))
    _screen(platform_client, "warm up 13912345678")  # fills the token, policy and name caches
    with django_assert_max_num_queries(1):
        assert _screen(platform_client, "nothing to see here, just prose").status_code == 200
    # A text with values: one staydown lookup, the routes of the matched cases (whose platforms
    # the removal holds on), plus the audit event of the verdict.
    with django_assert_max_num_queries(5):
        _screen(platform_client, f"{ID_NUMBER} 13912345678")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"context": "post"}, 400, "text"),
        ({"text": "hi", "context": "tweet"}, 400, "context"),
        ({"text": "hi", "context": "post", "language": "fr"}, 400, "language"),
        ({"text": 42, "context": "post"}, 400, "text"),
        ({"text": "x" * 10_001, "context": "post"}, 413, "text"),
    ],
)
def test_bad_requests_get_the_one_error_shape(platform_client, body, status, field):
    response = platform_client.post(URL, body, format="json")
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]


def test_only_host_platform_tokens_may_screen(api_client):
    assert api_client.post(URL, {"text": "hi", "context": "post"}, format="json").status_code == 401
    moderator = token_client("mod", "moderator")
    response = moderator.post(URL, {"text": "hi", "context": "post"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_each_finding_names_its_rule_and_the_warning_explains_it_without_the_value(platform_client):
    text = "他的电话 138🔥1234✨5678，身份证11010519491231002X"
    body = _screen(platform_client, text, language="zh-hans").json()
    rules = {f["type"]: f["rule"] for f in body["findings"]}
    assert rules == {"phone": "phone.cn_mobile", "id_number": "id_number.gb11643"}
    phone = next(f for f in body["findings"] if f["type"] == "phone")
    assert phone["obfuscated"] is True and "变形写法" in phone["explanation"]
    assert "识别依据" in body["warning"] and "校验位" in body["warning"]
    assert "5678" not in body["warning"] and ID_NUMBER not in body["warning"]

    english = _screen(platform_client, "mail me: zhang at example dot com", language="en").json()
    (finding,) = english["findings"]
    assert finding["rule"] == "email.obfuscated"
    assert "Recognised: an e-mail address (an e-mail address with its @ or dots written another way" in english["warning"]
    assert "zhang" not in english["warning"]


@pytest.mark.django_db(transaction=True)
def test_a_flagged_post_screened_outside_any_transaction_is_in_the_audit_log(platform_client):
    from audit.integrity import verify_log
    from audit.sequencer import sequence_and_checkpoint

    # A transactional test may follow another that emptied the tables (the migration's
    # default rules with them): the one rule this post needs.
    ScreeningRule.objects.get_or_create(platform=None, context="post", kind="phone", defaults={"verdict": "warn"})
    forget_cached_rules()
    body = _screen(platform_client, "call me on 139 1234 5678", author="user-42").json()
    assert body["verdict"] == "warn"
    event = AuditEvent.objects.get(code="screening.flagged")
    assert event.target_type == "screening" and event.target_id == event.details["author"]
    assert "user-42" not in event.entry  # the author only as a keyed digest
    assert event.details["verdict"] == "warn" and "13912345678" not in str(event.details)
    assert sequence_and_checkpoint().sequenced >= 1
    assert verify_log(deep=True).ok
