"""Submission to the DSA Transparency Database, against a local stand-in that applies the
database's published rules: batches of at most 100, a Bearer token, retries with backoff,
and one recorded result per statement."""

from __future__ import annotations

import pytest

from reports import tasks, tdb
from reports.models import DsaStatementResult, DsaSubmission
from reports.statements import puid_for
from tests.reports.conftest import decide, submit
from tests.reports.tdb_standin import KEYWORDS, TransparencyDatabase, check

TOKEN = "tdb-token-for-tests"


@pytest.fixture
def database(settings):
    stand_in = TransparencyDatabase(TOKEN)
    settings.DSA_TDB_URL = stand_in.url
    settings.DSA_TDB_TOKEN = TOKEN
    settings.DSA_TDB_MAX_RETRIES = 3
    yield stand_in
    stand_in.close()


def _decisions(senior, count: int, **overrides) -> list[int]:
    return [decide(submit().complaint, senior, "remove", **overrides).pk for _ in range(count)]


def test_every_statement_reaches_the_database_in_batches_of_100_each_result_recorded(db, senior, database):
    exported = _decisions(senior, 205)
    outside = _decisions(senior, 2, territorial_scope=["CN"])
    tasks.dsa_submit.delay()  # the Celery task (run eagerly in the test process)
    assert [c["count"] for c in database.calls] == [100, 100, 5]
    assert {c["status"] for c in database.calls} == {201}
    results = {r.decision_id: r for r in DsaStatementResult.objects.all()}
    assert set(results) == set(exported) | set(outside)
    for pk in exported:
        result = results[pk]
        assert result.state == "accepted" and result.puid == puid_for(pk)
        assert result.uuid == database.stored[result.puid]["uuid"]
        assert result.submission.outcome == "created" and result.submission.http_status == 201
    for pk in outside:
        assert results[pk].state == "withheld" and results[pk].reason == "outside_eea"
        assert puid_for(pk) not in database.stored
    # The stand-in's own rules found nothing to refuse in what was stored.
    assert all(check({k: v for k, v in s.items() if k not in ("uuid", "platform_name")}) == {}
               for s in database.stored.values())
    assert DsaSubmission.objects.filter(outcome="created").count() == 3
    # A second run has nothing left to send.
    assert tdb.submit_pending() == {"state": "done", "batches": 0, "accepted": 0, "refused": 0, "withheld": 0}
    assert len(database.calls) == 3


def test_transient_failures_are_retried_with_backoff_honouring_retry_after(db, senior, database):
    decisions = _decisions(senior, 3)
    database.faults = [503, 429, 502]
    waits: list[float] = []
    summary = tdb.submit_pending(sleep=waits.append)
    assert summary["accepted"] == 3
    assert [c["status"] for c in database.calls] == [503, 429, 502, 201]
    assert waits == [2.0, 1.0, 8.0]  # 2 s, then the 429's Retry-After, then 2 s * 2**2
    assert list(DsaSubmission.objects.order_by("pk").values_list("outcome", "http_status")) == [
        ("failed", 503), ("failed", 429), ("failed", 502), ("created", 201)]
    assert set(DsaStatementResult.objects.values_list("decision_id", flat=True)) == set(decisions)


def test_a_database_that_stays_down_leaves_everything_pending_for_the_next_run(db, senior, database, settings):
    settings.DSA_TDB_MAX_RETRIES = 2
    decisions = _decisions(senior, 2)
    database.faults = [503, 503, 503]
    with pytest.raises(tdb.Transient):
        tdb.submit_pending(sleep=lambda seconds: None)
    assert len(database.calls) == 3 and not DsaStatementResult.objects.exists()
    assert tdb.submit_pending(sleep=lambda seconds: None)["accepted"] == 2
    assert set(DsaStatementResult.objects.filter(state="accepted").values_list("decision_id", flat=True)) == set(decisions)


def test_a_wrong_token_stops_at_once_without_retrying(db, senior, database, settings):
    _decisions(senior, 2)
    settings.DSA_TDB_TOKEN = "not-the-token"
    assert tasks.dsa_submit()["state"] == "stopped"
    assert [c["status"] for c in database.calls] == [401]
    assert not DsaStatementResult.objects.exists()
    assert DsaSubmission.objects.get().outcome == "failed"


def test_statements_the_database_refuses_are_recorded_and_the_rest_sent_again(db, senior, settings):
    # The database's keyword list changed (as it did on 1 July 2025): one keyword we send
    # is gone from it, so statements carrying it are refused; no others are held back.
    stand_in = TransparencyDatabase(TOKEN, keywords=KEYWORDS - {"KEYWORD_BIOMETRIC_DATA_BREACH"})
    settings.DSA_TDB_URL, settings.DSA_TDB_TOKEN = stand_in.url, TOKEN
    try:
        plain = [decide(submit().complaint, senior, "remove").pk for _ in range(3)]
        faces = [decide(submit(disclosed=["face_image"]).complaint, senior, "remove").pk for _ in range(2)]
        summary = tdb.submit_pending()
    finally:
        stand_in.close()
    assert summary["accepted"] == 3 and summary["refused"] == 2
    assert [c["status"] for c in stand_in.calls] == [422, 201]
    for pk in faces:
        result = DsaStatementResult.objects.get(decision_id=pk)
        assert result.state == "refused" and "category_specification" in result.errors
    assert set(stand_in.stored) == {puid_for(pk) for pk in plain}


def test_a_statement_already_in_the_database_counts_as_accepted_and_is_not_created_twice(db, senior, database):
    first, second = _decisions(senior, 2)
    # An earlier run's call was created there but its answer was lost on the way back.
    database.stored[puid_for(first)] = {"puid": puid_for(first), "uuid": "earlier"}
    assert tdb.submit_pending()["accepted"] == 2
    assert [c["status"] for c in database.calls] == [422, 201]
    assert DsaStatementResult.objects.get(decision_id=first).reason == "already_in_database"
    assert database.stored[puid_for(first)]["uuid"] == "earlier"
    assert DsaStatementResult.objects.get(decision_id=second).uuid == database.stored[puid_for(second)]["uuid"]


def test_without_a_database_url_nothing_is_sent(db, senior, settings):
    settings.DSA_TDB_URL = ""
    _decisions(senior, 1)
    assert tasks.dsa_submit() == {"state": "disabled"}
    assert not DsaStatementResult.objects.exists()


def test_the_stand_in_applies_the_published_rules():
    good = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"], "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_legal_ground": "PIPL", "illegal_content_explanation": "Address posted.",
        "content_type": ["CONTENT_TYPE_TEXT"], "category": "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "territorial_scope": ["GR"], "content_date": "2026-01-01", "application_date": "2026-01-02",
        "decision_facts": "Facts.", "source_type": "SOURCE_ARTICLE_16", "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "puid": "p-1",
    }
    assert check(good) == {}
    assert "territorial_scope" in check({**good, "territorial_scope": ["EL"]})
    assert "end_date_visibility_restriction" in check({**good, "end_date_visibility_restriction": "2038-01-02"})
    assert "puid" in check({**good, "puid": "a b"})
    assert "decision_visibility" in check({**good, "decision_visibility": None})
