"""Incidents with bulk decisions, and the misuse procedure (DSA Art. 23)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from audit.models import AuditEvent
from deadlines.sweep import sweep
from moderation import services
from moderation.models import Decision, Incident, MisuseStep, SubmitterStanding
from takedown.exceptions import InvalidInput
from tests.conftest import valid_payload
from tests.moderation.conftest import decision_body


def test_incident_groups_cases_and_a_bulk_decision_reports_a_result_per_case(moderator, moderator_b, senior, submit, post):
    a, _ = submit(items=[("https://leak.example/1", "")])
    b, _ = submit(items=[("https://leak.example/2", "")])
    held_by_other, _ = submit(items=[("https://leak.example/3", "")])
    created = post(moderator, "/api/v1/incidents/", {"title": "Leak of one spreadsheet", "kind": "same_leak",
                                                      "cases": [a.reference, b.reference, held_by_other.reference]})
    assert created.status_code == 201
    incident_id = created.json()["id"]
    assert [c["reference"] for c in created.json()["cases"]] == [a.reference, b.reference, held_by_other.reference]
    # A decided case inside the incident is reported, not silently decided twice.
    post(moderator_b, f"/api/v1/cases/{held_by_other.reference}/claim")
    post(moderator_b, f"/api/v1/cases/{held_by_other.reference}/decisions", decision_body(measure="no_action"))
    refused = post(moderator, f"/api/v1/incidents/{incident_id}/decisions", decision_body())
    assert refused.status_code == 403
    response = post(senior, f"/api/v1/incidents/{incident_id}/decisions", decision_body())
    assert response.status_code == 200
    results = {r["reference"]: r for r in response.json()["results"]}
    assert results[a.reference]["ok"] and results[b.reference]["ok"]
    assert not results[held_by_other.reference]["ok"]
    assert results[held_by_other.reference]["error_code"] == "already_decided"
    bulk = Decision.objects.filter(incident_id=incident_id)
    assert bulk.count() == 2 and set(bulk.values_list("facts", flat=True)) == {decision_body()["facts"]}
    assert AuditEvent.objects.filter(code="incident.bulk_decided").get().details["results"][0]["ok"] is True


def test_incident_needs_known_cases_and_a_kind(moderator, post):
    response = post(moderator, "/api/v1/incidents/", {"title": "x", "kind": "same_leak", "cases": ["TD-2026-999999"]})
    assert response.status_code == 404 and "cases" in response.json()["error"]["fields"]
    assert post(moderator, "/api/v1/incidents/", {"title": "x", "kind": "nope"}).status_code == 400
    assert not Incident.objects.exists()


def _unfounded(moderator, submit, n, email="troll@example.com"):
    for i in range(n):
        complaint, _ = submit(email=email, items=[(f"https://t.example/{i}", "")])
        services.claim_take(complaint=complaint, user=moderator)
        services.decision_create(complaint=complaint, user=moderator, data=services.DecisionInput(
            measure="no_action", facts="The post shows no personal information.", legal_ground="None applies",
            explanation="Nothing personal was disclosed.", manifestly_unfounded=True))
    return services.submitter_key_for(complaint)


def test_misuse_warning_needs_frequent_manifestly_unfounded_notices(moderator, senior, submit, post):
    key = _unfounded(moderator, submit, 2)
    too_few = post(senior, "/api/v1/misuse/warn", {"submitter_key": key, "reason": "Repeated false reports."})
    assert too_few.status_code == 409 and too_few.json()["error"]["code"] == "below_threshold"
    key = _unfounded(moderator, submit, 1)
    assert post(moderator, "/api/v1/misuse/warn", {"submitter_key": key, "reason": "x"}).status_code == 403
    warned = post(senior, "/api/v1/misuse/warn", {"submitter_key": key, "reason": "Repeated false reports."})
    assert warned.status_code == 200 and warned.json()["state"] == "warned"
    assert warned.json()["figures"]["manifestly_unfounded"] == 3
    assert "troll@example.com" not in key


def test_suspension_needs_a_prior_warning_refuses_filing_then_ends(moderator, senior, submit, post, api_client):
    key = _unfounded(moderator, submit, 3)
    unwarned = post(senior, "/api/v1/misuse/suspend", {"submitter_key": key, "reason": "x", "days": 30})
    assert unwarned.status_code == 409 and unwarned.json()["error"]["code"] == "not_warned"
    post(senior, "/api/v1/misuse/warn", {"submitter_key": key, "reason": "Three false reports in a week."})
    suspended = post(senior, "/api/v1/misuse/suspend", {"submitter_key": key, "reason": "Continued.", "days": 30})
    assert suspended.status_code == 200 and suspended.json()["state"] == "suspended"
    # The intake refuses the suspended submitter (matched by the keyed digest of the e-mail).
    refused = api_client.post("/api/v1/complaints/", valid_payload(
        complainant={"name": "T", "email": "TROLL@example.com", "phone": ""}), format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "filing_suspended"
    assert api_client.post("/api/v1/complaints/", valid_payload(), format="json").status_code == 201
    standing = SubmitterStanding.objects.get(submitter_key=key)
    sweep(now=standing.suspended_until + timedelta(seconds=1))
    standing.refresh_from_db()
    assert standing.state == SubmitterStanding.State.WARNED
    assert list(MisuseStep.objects.filter(standing=standing).values_list("kind", flat=True)) == [
        "warned", "suspended", "suspension_ended"]
    codes = set(AuditEvent.objects.filter(target_type="submitterstanding").values_list("code", flat=True))
    assert codes == {"misuse.warned", "misuse.suspended", "misuse.suspension_ended"}


def test_manifestly_unfounded_is_only_for_no_action(moderator, submit):
    complaint, _ = submit()
    services.claim_take(complaint=complaint, user=moderator)
    with pytest.raises(InvalidInput) as refused:
        services.decision_create(complaint=complaint, user=moderator, data=services.DecisionInput(
            measure="remove", facts="f", legal_ground="g", explanation="e", manifestly_unfounded=True))
    assert "manifestly_unfounded" in refused.value.fields


def test_misuse_page_lists_candidates_for_seniors(moderator, senior, submit):
    _unfounded(moderator, submit, 3)
    from tests.moderation.conftest import logged_in

    page = logged_in(senior).get("/staff/misuse/")
    assert page.status_code == 200 and b"meets the threshold" in page.content
    assert logged_in(moderator).get("/staff/misuse/").status_code == 403
    assert Client().get("/staff/misuse/").status_code == 302


def test_incident_and_misuse_reads_answer_the_documented_bodies(moderator, senior, submit, post):
    from tests.moderation.conftest import client_for
    from tests.openapi import assert_documented

    a, _ = submit(items=[("https://leak.example/1", "")])
    b, _ = submit(items=[("https://leak.example/2", "")])
    created = post(moderator, "/api/v1/incidents/", {"title": "One leak", "kind": "same_leak", "cases": [a.reference]})
    assert_documented(created, "/api/v1/incidents/", "post")
    incident_id = created.json()["id"]
    added = post(moderator, f"/api/v1/incidents/{incident_id}/cases", {"cases": [b.reference]})
    assert_documented(added, "/api/v1/incidents/{id}/cases/", "post")
    assert [c["reference"] for c in added.json()["cases"]] == [a.reference, b.reference]
    staff = client_for(moderator)
    listed = staff.get("/api/v1/incidents/")
    assert_documented(listed, "/api/v1/incidents/")
    assert [i["id"] for i in listed.json()["results"]] == [incident_id]
    one = staff.get(f"/api/v1/incidents/{incident_id}/")
    assert_documented(one, "/api/v1/incidents/{id}/")
    assert one.json() == added.json()

    key = _unfounded(moderator, submit, 3)
    candidates = client_for(senior).get("/api/v1/misuse/")
    assert_documented(candidates, "/api/v1/misuse/")
    row = candidates.json()["results"][0]
    assert row["submitter_key"] == key and row["figures"]["manifestly_unfounded"] == 3
    assert row["recommended"] is True and row["state"] == "good" and row["suspended_until"] is None
