"""Demo data of the complaint channel for ``make run``: three notices and one already overdue.

Idempotent: the notices are added once.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintItem
from complaints.vocabulary import Channel

DEMO_COMPLAINTS = [
    services.ComplaintInput(
        complainant_name="Li Hua",
        complainant_email="li.hua@example.com",
        items=[("https://social.example/post/1001", "My address and phone number")],
        disclosed_info=["home_address", "phone"],
        harms=["contact_by_strangers"],
        explanation="A stranger posted my home address and mobile number after an argument online.",
        evidence_excerpt="住址：某市某区某路12号3栋2单元501 电话：138****0000",
        good_faith_declaration=True,
        language="zh-hans",
        timezone="Asia/Shanghai",
    ),
    services.ComplaintInput(
        relationship="guardian",
        complainant_name="Wang Fang",
        complainant_phone="+86 139 1234 5678",
        victim_name="Wang Xiaoming",
        items=[("https://video.example/v/77", "Photos of my son outside his school")],
        disclosed_info=["face_image", "workplace_school"],
        harms=["threats"],
        explanation="Photos of my 12-year-old son and the name of his school were posted with threats.",
        evidence_excerpt="'We know where he studies.'",
        good_faith_declaration=True,
        language="en",
        timezone="Asia/Shanghai",
    ),
    services.ComplaintInput(
        complainant_name="Zhang Wei",
        items=[("https://forum.example/t/555", "")],
        disclosed_info=["workplace_school"],
        language="en",
    ),
]


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


def seed_demo_complaints() -> list[str]:
    """The demo notices, with their tracking links (printed once, when created)."""
    if Complaint.objects.exists():
        return ["demo complaints already present"]
    lines = []
    for data in DEMO_COMPLAINTS:
        submission = services.complaint_submit(data=data, channel=Channel.WEB)
        lines.append(
            f"demo complaint {submission.complaint.reference} ({submission.complaint.status}, "
            f"{submission.complaint.priority}): {submission.tracking_url}"
        )
    return lines
