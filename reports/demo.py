"""Demo data of the reports app, for ``manage.py seed_demo``. Idempotent."""

from __future__ import annotations

from django.conf import settings

from audit.actors import SYSTEM
from complaints.models import Complaint
from reports.models import Referral
from reports.referrals import propose_referral, referral_send


def seed_reports_demo() -> list[str]:
    """Make sure a threat case has a sent referral, so the referral pages show a package."""
    threat = Complaint.objects.filter(threat_to_life=True).order_by("pk").first()
    if threat is None:
        return ["reports: no threat-to-life case in the demo data; no referral seeded"]
    referral = propose_referral(
        subject=threat,
        authority=Referral.Authority.PUBLIC_SECURITY,
        reason="Demo: threats against the victim after the address was posted.",
        actor=SYSTEM,
    )
    if referral.status == Referral.Status.PROPOSED:
        referral = referral_send(referral=referral, actor=SYSTEM, note="Demo: sent with the package.")
    return [
        f"reports: referral {referral.pk} of {threat.reference} to public security ({referral.status}): "
        f"{settings.PUBLIC_BASE_URL}/staff/referrals/{referral.pk}/",
        f"reports: transparency report at {settings.PUBLIC_BASE_URL}/transparency/",
    ]
