"""What the reports app adds to the layers below (see takedown.extensions)."""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy

from audit.actors import SYSTEM
from complaints import hooks as complaint_hooks
from moderation import hooks as moderation_hooks
from prevention import detection
from prevention import hooks as prevention_hooks
from reports import demo, evidence_pack, intake, seriousness
from reports.assessments import assess_incident, assessment_context, incident_assessment_context
from reports.referrals import propose_referral
from reports.serializers import EvidencePackSectionOutput
from takedown.hooks import demo_seeders, staff_pages
from takedown.navigation import StaffPage

complaint_hooks.submitted.connect(intake.on_submitted)
complaint_hooks.submitted_many.connect(intake.on_submitted_many)
complaint_hooks.complainant_activity.connect(intake.on_complainant_activity)
complaint_hooks.tracking_sections.connect(evidence_pack.tracking_section)
complaint_hooks.tracking_section_schemas.register("evidence_pack")(EvidencePackSectionOutput)


@moderation_hooks.incident_changed.connect
def reassess_incident(incident, *, actor: str) -> None:
    """Serious circumstances are judged over all the incident's cases."""
    assess_incident(incident, actor=actor)


@moderation_hooks.case_panels.connect
def assessment_panel(complaint, request) -> tuple[str, dict]:
    # The referral form posts with the page's CSRF token (the include keeps the context).
    return "reports/_assessment.html", {
        **assessment_context(complaint, get_language() or "en"),
        "reference": complaint.reference,
    }


@moderation_hooks.incident_panels.connect
def incident_assessment_panel(incident, request) -> tuple[str, dict]:
    return "reports/_assessment.html", incident_assessment_context(incident, get_language() or "en")


@prevention_hooks.alert_raised.connect
def refer_sharp_rise(alert, *, sharp: bool) -> None:
    """A sharp rise on a trending target is reported to the Cyberspace Administration."""
    if not sharp:
        return
    reason = f"Sharp rise of activity on a trending target: {alert.explanation}"
    referral = propose_referral(subject=alert, authority=seriousness.CAC, reason=reason, actor=SYSTEM,
                                automatic=True)
    detection.alert_record_referral(alert=alert, authority=seriousness.CAC, referral_id=referral.pk)


demo_seeders.connect(demo.seed_reports_demo)


@staff_pages.connect
def reports_pages() -> list[StaffPage]:
    from reports.views import CASE_ROLES

    return [StaffPage("staff-referrals", gettext_lazy("Referrals"), CASE_ROLES, 80)]
