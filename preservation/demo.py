"""Demo data of preservation for ``make run``: a legal request for the demo investigator."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.sequencer import sequence_and_checkpoint, verifier_key
from complaints.models import Complaint
from preservation.legal import register_legal_request
from preservation.models import LegalRequest

DEMO_AUTHORITY = "Demo City Police"
DEMO_REFERENCE = "DCP-2026-0001"


def seed_preservation_demo() -> list[str]:
    if settings.PRODUCTION:
        return []
    lines = ["", "Audit log:"]
    users = get_user_model().objects
    investigator, registrar = users.filter(username="investigator").first(), users.filter(username="senior").first()
    first = Complaint.objects.order_by("pk").first()
    if not LegalRequest.objects.filter(authority=DEMO_AUTHORITY, reference_number=DEMO_REFERENCE).exists():
        if investigator and registrar and first:
            register_legal_request(
                actor_user=registrar,
                authority=DEMO_AUTHORITY,
                reference_number=DEMO_REFERENCE,
                legal_basis="Demo production order (not a real request)",
                scope_references=[first.reference],
                scope_victim="",
                requesting_officer="Demo Officer 0001",
                expires_at=timezone.now() + timedelta(days=365),
                investigators=[investigator],
            )
            lines.append(f"  legal request {DEMO_REFERENCE} covers {first.reference} for user 'investigator'")
        else:
            lines.append("  no demo legal request (the demo staff accounts or complaints are missing)")
    result = sequence_and_checkpoint()
    lines.append(f"  sequenced {result.sequenced} event(s); checkpoints at {settings.PUBLIC_BASE_URL}/api/v1/audit/checkpoint")
    lines.append(f"  verifier key: {verifier_key()}")
    return lines
