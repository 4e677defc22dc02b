"""What the reports app does when a notice arrives or changes (complaints.hooks)."""

from __future__ import annotations

from audit.actors import SYSTEM
from complaints.models import Complaint
from reports import seriousness
from reports.assessments import assess_complaint, assess_new_complaints
from reports.referrals import propose_referral


def on_submitted(complaint: Complaint) -> None:
    """A threat to life or safety is proposed to public security at once; then the
    case gets its first assessment. Runs inside the intake transaction."""
    if complaint.threat_to_life:
        propose_referral(
            subject=complaint,
            authority=seriousness.PUBLIC_SECURITY,
            reason="Threat to life or safety reported at intake: " + ", ".join(complaint.harms),
            actor=SYSTEM,
            automatic=True,
        )
    assess_complaint(complaint, new=True)


def on_submitted_many(complaints: list[Complaint]) -> None:
    """``on_submitted`` for notices stored together: referrals one by one, the first
    assessments of the plain ones in one insert."""
    for complaint in complaints:
        if complaint.threat_to_life:
            on_submitted(complaint)
    assess_new_complaints([c for c in complaints if not c.threat_to_life])


def on_complainant_activity(complaint: Complaint) -> None:
    """Details or evidence were added: the facts may have changed, so reassess."""
    assess_complaint(complaint)
