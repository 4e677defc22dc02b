"""``python manage.py seed_demo``: demo data for ``make run``.

Idempotent: it adds the demo complaints only once. Other apps add their own demo data
(staff accounts, tokens) through ``DEMO_SEEDERS``; each returns lines to print.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import BaseCommand

from complaints import services
from complaints.models import Complaint
from complaints.vocabulary import Channel

# Functions that add an app's demo data and return lines for the console.
DEMO_SEEDERS: list[Callable[[], list[str]]] = []

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


class Command(BaseCommand):
    help = "Add demo complaints (and, through other apps, demo accounts); print what to log in with."

    def handle(self, *args, **options) -> None:
        lines: list[str] = []
        if not Complaint.objects.exists():
            for data in DEMO_COMPLAINTS:
                submission = services.complaint_submit(data=data, channel=Channel.WEB)
                lines.append(
                    f"demo complaint {submission.complaint.reference} ({submission.complaint.status}, "
                    f"{submission.complaint.priority}): {submission.tracking_url}"
                )
        else:
            lines.append("demo complaints already present")
        for seeder in DEMO_SEEDERS:
            lines.extend(seeder())
        self.stdout.write("\n".join(lines))
