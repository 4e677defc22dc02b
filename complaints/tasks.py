"""Background work of the complaint channel, carried out from the outbox (``deadlines.outbox``)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from complaints.models import Complaint
from complaints.services import tracking_url


@shared_task(name="complaints.send_acknowledgement", acks_late=True, ignore_result=True)
def send_acknowledgement(complaint_id: int, token: str | None = None) -> None:
    """E-mail the receipt with the tracking link, once.

    The complaint's row is locked while the mail goes out and stamped in the same
    transaction: the sealed token it keeps until then is cleared, so a second run sends
    nothing, and a mail server that refuses rolls the stamp back for the outbox to
    retry. The token never travels through the broker; ``token`` is still accepted for
    messages queued by an earlier release.
    """
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
        if complaint is None or not complaint.complainant_email:
            return
        if not complaint.receipt_token:
            return  # already sent, or erased with the case's personal data
        token = token or complaint.receipt_token
        with translation.override(complaint.language):
            context = {"complaint": complaint, "tracking_url": tracking_url(token)}
            subject = render_to_string("complaints/email/acknowledgement_subject.txt", context).strip()
            body = render_to_string("complaints/email/acknowledgement.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.complainant_email])
        Complaint.objects.filter(pk=complaint_id).update(receipt_token="")


@shared_task(name="complaints.send_message_email", acks_late=True, ignore_result=True)
def send_message_email(message_id: int) -> bool:
    """E-mail the complainant that the desk answered; the message row is claimed and stamped."""
    from complaints.thread import message_email_send

    return message_email_send(message_id)
