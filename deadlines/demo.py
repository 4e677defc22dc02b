"""Demo data of the deadline engine for ``make run``: a notice already past its deadline."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from complaints import services
from complaints.models import ComplaintItem
from complaints.vocabulary import Channel

DEMO_EXPLANATION = "Demo: my phone number and workplace were posted in a forum thread two days ago."
# Free text is encrypted at rest and cannot be searched: the demo notice is recognised by
# its item's address, which is stored as given.
DEMO_URL = "https://forum.example/t/9001"


def seed_demo_deadlines() -> list[str]:
    """Add (once) a valid notice received two days ago, so the running sweep reminds and breaches it."""
    item = ComplaintItem.objects.select_related("complaint").filter(url=DEMO_URL).first()
    if item is not None:
        return [f"demo overdue notice {item.complaint.reference} already present"]
    submission = services.complaint_submit(
        data=services.ComplaintInput(
            complainant_name="Zhao Min",
            complainant_email="zhao.min@example.com",
            items=[(DEMO_URL, "Phone number and employer")],
            disclosed_info=["phone", "workplace_school"],
            explanation=DEMO_EXPLANATION,
            evidence_excerpt="'Call her at work, she sits at desk 4.'",
            good_faith_declaration=True,
            language="en",
        ),
        channel=Channel.WEB,
        now=timezone.now() - timedelta(days=4),
    )
    complaint = submission.complaint
    return [
        f"demo overdue notice {complaint.reference} ({complaint.priority}, due "
        f"{complaint.response_due_at:%Y-%m-%d %H:%M} UTC): the sweep records its breach; see /staff/deadlines/"
    ]
