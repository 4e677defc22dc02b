"""Background work of the complaint channel."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from complaints.models import Complaint
from complaints.services import tracking_url


@shared_task(
    name="complaints.send_acknowledgement",
    max_retries=5,
    acks_late=True,
    autoretry_for=(OSError,),  # the mail server unreachable or refusing for now (smtplib errors too)
    retry_backoff=60,
)
def send_acknowledgement(complaint_id: int, token: str | None = None) -> None:
    """E-mail the receipt with the tracking link.

    The token is read from the complaint, where it is kept sealed only until this e-mail
    has gone out, so it never travels through the broker. ``token`` is still accepted
    for messages queued by an earlier release.
    """
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not complaint.complainant_email:
        return
    token = token or complaint.receipt_token
    if not token:
        return  # already sent (a message delivered twice), or erased with the case's personal data
    with translation.override(complaint.language):
        context = {"complaint": complaint, "tracking_url": tracking_url(token)}
        subject = render_to_string("complaints/email/acknowledgement_subject.txt", context).strip()
        body = render_to_string("complaints/email/acknowledgement.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.complainant_email])
    Complaint.objects.filter(pk=complaint_id).update(receipt_token="")


RESEND_AFTER = timedelta(minutes=5)


@shared_task(name="complaints.resend_pending_receipts", ignore_result=True)
def resend_pending_receipts(limit: int = 200) -> int:
    """Queue again the receipts that have not gone out after a few minutes (the broker
    was down and the mail server too, or a worker lost the message): a person must get
    their tracking link. The sealed token stays on the complaint until it is sent."""
    due = timezone.now() - RESEND_AFTER
    ids = list(
        Complaint.objects.exclude(receipt_token="").filter(received_at__lte=due)
        .order_by("received_at").values_list("pk", flat=True)[:limit]
    )
    for complaint_id in ids:
        send_acknowledgement.delay(complaint_id)
    return len(ids)


@shared_task(
    name="complaints.send_message_email",
    max_retries=5,
    acks_late=True,
    autoretry_for=(OSError,),  # the mail server unreachable or refusing for now (smtplib errors too)
    retry_backoff=60,
)
def send_message_email(message_id: int) -> bool:
    """E-mail the complainant that the desk answered; the message row is claimed and stamped."""
    from complaints.thread import message_email_send

    return message_email_send(message_id)


@shared_task(name="complaints.resend_pending_reply_emails", ignore_result=True)
def resend_pending_reply_emails(limit: int = 200) -> int:
    """Queue again the reply e-mails a lost message or a long outage left unsent."""
    from complaints.thread import pending_reply_emails

    ids = pending_reply_emails(limit)
    for message_id in ids:
        send_message_email.delay(message_id)
    return len(ids)
