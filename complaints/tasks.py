"""Background work of the complaint channel."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from complaints.models import Complaint
from complaints.services import tracking_url


@shared_task(name="complaints.send_acknowledgement", max_retries=5, default_retry_delay=60, acks_late=True)
def send_acknowledgement(complaint_id: int, token: str) -> None:
    """E-mail the receipt with the tracking link. The link is only ever in this message."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not complaint.complainant_email:
        return
    with translation.override(complaint.language):
        context = {"complaint": complaint, "tracking_url": tracking_url(token)}
        subject = render_to_string("complaints/email/acknowledgement_subject.txt", context).strip()
        body = render_to_string("complaints/email/acknowledgement.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.complainant_email])
