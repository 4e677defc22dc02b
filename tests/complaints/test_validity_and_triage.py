"""Validity and triage rules (SPEC section 3). Pure: no database."""

from datetime import UTC, datetime

from complaints.triage import response_due_at, triage
from complaints.validity import NoticeFacts, missing_elements
from deadlines.arithmetic import reminder_times


def facts(**overrides) -> NoticeFacts:
    base = dict(
        complainant_name="A",
        complainant_email="a@example.com",
        complainant_phone="",
        relationship="self",
        victim_name="",
        item_count=1,
        disclosed_info=("phone",),
        explanation="why",
        evidence_excerpt="quote",
        evidence_file_count=0,
        good_faith_declaration=True,
    )
    base.update(overrides)
    return NoticeFacts(**base)


def test_complete_notice_misses_nothing():
    assert missing_elements(facts()) == []


def test_each_missing_element_is_named_in_order():
    f = facts(
        complainant_name="",
        complainant_email="",
        item_count=0,
        disclosed_info=(),
        explanation=" ",
        evidence_excerpt="",
        good_faith_declaration=False,
        complainant_phone="123",
    )
    assert missing_elements(f) == [
        "complainant_name",
        "items",
        "disclosed_info",
        "explanation",
        "evidence",
        "good_faith_declaration",
    ]


def test_name_without_any_contact_misses_contact():
    assert missing_elements(facts(complainant_email="")) == ["complainant_contact"]


def test_file_alone_is_enough_evidence():
    assert missing_elements(facts(evidence_excerpt="", evidence_file_count=1)) == []


def test_representative_must_name_the_victim():
    assert missing_elements(facts(relationship="representative")) == ["victim"]
    assert missing_elements(facts(relationship="guardian", victim_name="Kid")) == []


def test_anonymous_report_is_not_asked_for_identity():
    f = facts(complainant_name="", complainant_email="", complainant_phone="")
    assert f.is_anonymous
    assert missing_elements(f) == []


def test_sensitive_information_is_p0_with_reasons():
    t = triage(disclosed_info=["face_image", "phone"], harms=[], victim_is_minor=False, source="public")
    assert t.priority == "P0"
    assert t.reasons == ("sensitive_info:face_image",)
    assert not t.threat_to_life


def test_threat_to_safety_is_p0_and_flags_threat_to_life():
    t = triage(disclosed_info=["other"], harms=["threats"], victim_is_minor=False, source="public")
    assert (t.priority, t.threat_to_life) == ("P0", True)
    assert "threat_to_safety:threats" in t.reasons


def test_any_minor_victim_is_p0():
    t = triage(disclosed_info=["other"], harms=[], victim_is_minor=True, source="public")
    assert t.priority == "P0" and t.reasons == ("minor_victim",)


def test_identifying_information_is_p1():
    t = triage(disclosed_info=["home_address", "other"], harms=["contact_by_strangers"], victim_is_minor=False, source="public")
    assert t.priority == "P1" and t.reasons == ("identifying_info:home_address",)


def test_trusted_flagger_notice_is_at_least_p1():
    assert triage(disclosed_info=["other"], harms=[], victim_is_minor=False, source="trusted_flagger").priority == "P1"
    assert triage(disclosed_info=["health"], harms=[], victim_is_minor=False, source="trusted_flagger").priority == "P0"


def test_everything_else_is_p2():
    t = triage(disclosed_info=["other"], harms=["incitement"], victim_is_minor=False, source="public")
    assert (t.priority, t.reasons) == ("P2", ("default",))


def test_deadline_follows_policy_hours_from_validity():
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    hours = {"P0": 24, "P1": 72, "P2": 168}
    assert response_due_at(start, "P0", hours) == datetime(2026, 1, 2, 8, tzinfo=UTC)
    assert response_due_at(start, "P2", hours) == datetime(2026, 1, 8, 8, tzinfo=UTC)


def test_reminders_at_fractions_of_the_time_allowed():
    start = datetime(2026, 1, 1, 0, tzinfo=UTC)
    due = datetime(2026, 1, 2, 0, tzinfo=UTC)
    assert [at.hour for _f, at in reminder_times(start, due, [0.8, 0.5, 1.5])] == [12, 19]
