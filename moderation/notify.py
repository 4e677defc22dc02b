"""E-mail to complainants about decisions and counter-notices.

Messages say what happened and point to the tracking page; they never name staff and
never carry the poster's contact details.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from moderation.models import CounterNotice, Decision


def send_decision_email(decision_id: int) -> bool:
    """E-mail the complainant about the decision, once. Returns whether a mail went out.

    The decision's row is locked while the mail goes out and stamped (``emailed_at``) in
    the same transaction: a second run sends nothing, and a mail server that refuses
    rolls the stamp back and raises, so the outbox tries again later.
    """
    with transaction.atomic():
        decision = Decision.objects.select_for_update(of=("self",)).select_related("complaint").filter(
            pk=decision_id).first()
        if decision is None or decision.emailed_at is not None or not decision.complaint.complainant_email:
            return False
        complaint = decision.complaint
        with translation.override(complaint.language):
            context = {"decision": decision, "complaint": complaint, "base_url": settings.PUBLIC_BASE_URL}
            subject = render_to_string("moderation/email/decision_subject.txt", context).strip()
            body = render_to_string("moderation/email/decision.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.complainant_email])
        Decision.objects.filter(pk=decision_id).update(emailed_at=timezone.now())
    return True


def send_counter_notice_email(counter: CounterNotice) -> None:
    """Call inside the forwarding transaction: a mail-server error rolls the forwarding back."""
    complaint = counter.decision.complaint
    if not complaint.complainant_email:
        return
    with translation.override(complaint.language):
        context = {"counter": counter, "complaint": complaint,
                   "wait_days": complaint.policy.counter_notice_wait_days}
        subject = render_to_string("moderation/email/counter_notice_subject.txt", context).strip()
        body = render_to_string("moderation/email/counter_notice.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.complainant_email])
