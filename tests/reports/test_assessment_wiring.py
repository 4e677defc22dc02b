"""Every case is assessed at intake and reassessed when it changes; the assessment acts."""

from audit.models import AuditEvent
from complaints import services
from reports.assessments import assessment_for, assessment_set_staff_facts
from reports.models import Referral
from tests.reports.conftest import submit


def test_every_new_case_gets_an_assessment_row_with_an_explanation(db):
    complaint = submit(disclosed=["whereabouts"], urls=["https://a.example/1", "https://a.example/2"]).complaint
    row = assessment_for("complaint", complaint.pk)
    assert row is not None and row.level == "none"
    texts = [line["en"] for line in row.result["lines"]]
    assert "2 items of whereabouts information: 4 % of the threshold of 50" in texts
    assert "not a legal finding" in texts[-1]


def test_threat_to_life_proposes_public_security_referral_at_intake(db):
    complaint = submit(harms=["threats"]).complaint
    referral = Referral.objects.get(complaint=complaint)
    assert (referral.authority, referral.status, referral.automatic) == ("public_security", "proposed", True)
    assert "Threat to life or safety" in referral.reason
    assert referral.steps.count() == 1
    assert AuditEvent.objects.filter(code="referral.proposed", target_type="referral", target_id=str(referral.pk)).exists()


def test_no_referral_without_threat_or_serious_circumstances(db):
    complaint = submit(disclosed=["phone"]).complaint
    assert not Referral.objects.filter(complaint=complaint).exists()


def test_staff_count_of_a_leaked_list_raises_priority_and_pulls_the_deadline_forward(db):
    complaint = submit(disclosed=["phone"]).complaint
    assert complaint.priority == "P1"
    before = complaint.response_due_at
    assessment_set_staff_facts(subject=complaint, facts={"counts": {"phone": 6000}}, actor="user:1")
    complaint.refresh_from_db()
    row = assessment_for("complaint", complaint.pk)
    assert row.level == "serious" and row.staff_facts["counts"] == {"phone": 6000}
    assert complaint.priority == "P0" and "serious_circumstances:serious" in complaint.priority_reasons
    assert complaint.response_due_at < before
    from deadlines.models import Timer
    breach = Timer.objects.get(kind="response_breach", target_id=complaint.pk, state="pending")
    assert breach.due_at == complaint.response_due_at
    assert Referral.objects.filter(complaint=complaint, authority="public_security", automatic=True).exists()
    codes = set(AuditEvent.objects.filter(target_id=str(complaint.pk)).values_list("code", flat=True))
    assert {"assessment.staff_facts_set", "assessment.changed", "complaint.priority_raised"} <= codes


def test_ten_times_the_standard_is_especially_serious_and_proposes_the_procuratorate(db):
    complaint = submit(disclosed=["whereabouts"]).complaint
    assessment_set_staff_facts(subject=complaint, facts={"counts": {"whereabouts": 500}}, actor="user:1")
    assert assessment_for("complaint", complaint.pk).level == "especially_serious"
    authorities = set(Referral.objects.filter(complaint=complaint).values_list("authority", flat=True))
    assert authorities == {"public_security", "procuratorate"}


def test_added_evidence_reassesses_the_case(db):
    submission = submit(disclosed=["home_address"])
    first = assessment_for("complaint", submission.complaint.pk).computed_at
    services.complaint_add_evidence(complaint=submission.complaint, excerpt="Another copy of the post")
    assert assessment_for("complaint", submission.complaint.pk).computed_at > first


def test_assessment_costs_intake_two_queries_per_notice(db, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints import hooks
    from reports import intake

    submit()  # warm caches (policy)
    with CaptureQueriesContext(connection) as with_hook:
        submit(disclosed=["home_address", "phone"])
    others = [fn for fn in hooks.submitted.receivers if fn is not intake.on_submitted]
    monkeypatch.setattr(hooks.submitted, "_receivers", others)
    with CaptureQueriesContext(connection) as without:
        submit(disclosed=["home_address", "phone"])
    assert len(with_hook.captured_queries) - len(without.captured_queries) <= 2


def test_incident_is_assessed_over_its_cases_counting_a_shared_url_once(db):
    from moderation.services import incident_add_cases, incident_create
    from tests.reports.conftest import make_staff

    senior = make_staff("senior9", "senior_moderator")
    first = submit(disclosed=["whereabouts"], urls=["https://a.example/1", "https://a.example/2"]).complaint
    second = submit(disclosed=["whereabouts"], urls=["https://a.example/2", "https://a.example/3"]).complaint
    incident = incident_create(user=senior, title="Leak", kind="same_leak", complaints=[first])
    assert "2 items of whereabouts information" in assessment_for("incident", incident.pk).result["lines"][1]["en"]
    incident_add_cases(incident=incident, user=senior, complaints=[second])
    lines = [line["en"] for line in assessment_for("incident", incident.pk).result["lines"]]
    assert "3 items of whereabouts information: 6 % of the threshold of 50" in lines


def test_case_page_shows_the_assessment_with_its_disclaimer(db):
    from takedown import roles
    from tests.reports.conftest import make_staff, verified_client

    complaint = submit(disclosed=["whereabouts"]).complaint
    page = verified_client(make_staff("mod7", roles.MODERATOR)).get(f"/staff/cases/{complaint.reference}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 item of whereabouts information: 2 % of the threshold of 50" in html
    assert "not a legal finding" in html
