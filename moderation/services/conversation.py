"""The moderator's side of the conversation with the complainant, and workspace preferences.

The messages themselves belong to the complaint (``complaints.models.Message``, encrypted
at rest, erased with the case); what is kept here is who has read how far, so each
moderator sees what is new to them, and each moderator's choice of how evidence is shown.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, Message
from complaints.thread import complaint_reply
from moderation import events
from moderation.models import ConversationRead, StaffPreference
from moderation.services.common import require_reviewer


def conversation_read_until(*, complaint: Complaint, user) -> datetime | None:
    """Up to when this user has read the case's conversation (None: never opened it)."""
    return (ConversationRead.objects.filter(user=user, complaint=complaint)
            .values_list("read_until", flat=True).first())


def conversation_viewed(*, complaint: Complaint, user, shown: int, unread: int, now: datetime) -> None:
    """The user saw the conversation as it was at ``now``: on the record, and read up to then.

    The marker only moves forward: a page rendered earlier and finished later never
    turns messages that arrived meanwhile back into read ones.
    """
    with transaction.atomic():
        events.conversation_viewed(user=user, complaint=complaint, shown=shown, unread=unread)
        _mark_read(complaint, user, now)


def _mark_read(complaint: Complaint, user, until: datetime) -> None:
    marker, created = ConversationRead.objects.select_for_update().get_or_create(
        user=user, complaint=complaint, defaults={"read_until": until})
    if not created and marker.read_until < until:
        marker.read_until = until
        marker.save(update_fields=["read_until"])


def conversation_reply(*, complaint: Complaint, user, body: str, now: datetime | None = None) -> Message:
    """A moderator answers the complainant: on the tracking page at once, by e-mail in
    their language after commit (``complaints.thread``); the reply is on the record as
    ``complaint.message_added`` with the moderator as actor. Replying reads the thread."""
    require_reviewer(user)
    now = now or timezone.now()
    with transaction.atomic():
        message = complaint_reply(complaint=complaint, body=body, staff_user=user, now=now)
        _mark_read(complaint, user, now)
    return message


def evidence_clear_for(user) -> bool:
    """Does this user see revealed evidence clearly (True) or blurred and grey (the default)?"""
    return bool(StaffPreference.objects.filter(user=user).values_list("evidence_clear", flat=True).first())


def evidence_view_set(*, user, clear: bool) -> StaffPreference:
    """Remember how this user wants revealed evidence shown, on every device."""
    with transaction.atomic():
        preference, _ = StaffPreference.objects.select_for_update().get_or_create(user=user)
        if preference.evidence_clear != clear:
            preference.evidence_clear = clear
            preference.save(update_fields=["evidence_clear", "updated_at"])
            events.evidence_view_set(user=user, clear=clear)
    return preference
