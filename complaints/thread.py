"""The case thread: the desk's replies to the complainant and the e-mail that tells them.

Messages themselves are written by ``services.complaint_add_message`` (both sides use
it); a reply from staff is also e-mailed to the complainant, in their language, by
``tasks.send_message_email``, which claims the message row under lock and stamps it in
the same transaction as the sending: a task delivered twice sends nothing the second
time, and a mail-server failure rolls the stamp back so the outbox's retry sends it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from complaints.models import Complaint, Message
from complaints.services import complaint_add_message


def complaint_reply(*, complaint: Complaint, body: str, staff_user, now: datetime | None = None) -> Message:
    """A staff member answers the complainant: the message is on the tracking page at once
    and an e-mail tells them (when they gave an address)."""
    with transaction.atomic():
        message = complaint_add_message(complaint=complaint, body=body, staff_user=staff_user, now=now)
        if complaint.complainant_email:
            Message.objects.filter(pk=message.pk).update(email_due=True)
            message.email_due = True
            from complaints import tasks
            from deadlines import outbox

            outbox.enqueue(tasks.send_message_email, message.pk)
    return message


def message_email_send(message_id: int) -> bool:
    """Send the e-mail of one reply if it is still due; True if it went out now."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("complaint")
            .filter(pk=message_id, email_due=True, emailed_at__isnull=True).first()
        )
        if message is None:
            return False  # sent already (a second delivery), or never due
        complaint = message.complaint
        if not complaint.complainant_email or not message.body:
            # The address or the message was erased with the case's personal data.
            Message.objects.filter(pk=message.pk).update(email_due=False)
            return False
        with translation.override(complaint.language):
            context = {"complaint": complaint, "message": message, "base_url": settings.PUBLIC_BASE_URL}
            subject = render_to_string("complaints/email/reply_subject.txt", context).strip()
            text = render_to_string("complaints/email/reply.txt", context)
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [complaint.complainant_email])
        Message.objects.filter(pk=message.pk).update(emailed_at=timezone.now())
    return True
