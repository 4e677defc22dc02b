"""Demo data of the complaint channel for ``make run``: three notices and one already overdue.

Idempotent: the notices are added once; every run prints their tracking links.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
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


def demo_tracking_token(item_url: str) -> str:
    """The demo notice's tracking token, derived from the development key and its item.

    Only its hash is stored, as for any notice; deriving it lets every ``seed_demo`` run
    print the working link again.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), f"takedown-demo-tracking:{item_url}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def _seed_one(data: services.ComplaintInput, *, now=None) -> tuple[Complaint | None, str | None]:
    """The demo notice of ``data`` (added if missing) and its tracking link.

    A notice added by an older seed (with a random token) is left alone; its link is None.
    """
    url = data.items[0][0]
    token = demo_tracking_token(url)
    complaint = services.complaint_by_token(token)
    if complaint is not None:
        return complaint, services.tracking_url(token)
    if ComplaintItem.objects.filter(url=url).exists():
        return ComplaintItem.objects.select_related("complaint").filter(url=url).first().complaint, None
    submission = services.complaint_submit(data=data, channel=Channel.WEB, now=now, tracking_token=token)
    return submission.complaint, submission.tracking_url


def _link_line(label: str, complaint: Complaint, link: str | None) -> str:
    shown = link or "(link printed when it was first created)"
    return f"{label} {complaint.reference} ({complaint.status}, {complaint.priority}): {shown}"


def seed_demo_deadlines() -> list[str]:
    """Add (once) a valid notice received four days ago, so the running sweep reminds and breaches it."""
    data = services.ComplaintInput(
        complainant_name="Zhao Min",
        complainant_email="zhao.min@example.com",
        items=[(DEMO_URL, "Phone number and employer")],
        disclosed_info=["phone", "workplace_school"],
        explanation=DEMO_EXPLANATION,
        evidence_excerpt="'Call her at work, she sits at desk 4.'",
        good_faith_declaration=True,
        language="en",
    )
    complaint, link = _seed_one(data, now=timezone.now() - timedelta(days=4))
    due = f"{complaint.response_due_at:%Y-%m-%d %H:%M} UTC" if complaint.response_due_at else "none"
    return [
        _link_line("demo overdue notice", complaint, link),
        f"  due {due}: the sweep records its breach; see {settings.PUBLIC_BASE_URL}/staff/deadlines/",
    ]


def seed_demo_complaints() -> list[str]:
    """The demo notices, with their tracking links (the same on every run)."""
    lines = ["", "Demo complaints (tracking links, as the complainant received them):"]
    for data in DEMO_COMPLAINTS:
        complaint, link = _seed_one(data)
        lines.append(_link_line(" ", complaint, link))
    return lines
