"""Writes of the deadline engine: staff notifications, failed timers put back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines import events
from deadlines.models import StaffNotification, Timer
from takedown.exceptions import InvalidInput


def _recipients(users: Iterable | None, role: str | None) -> list:
    User = get_user_model()
    if users is not None:
        ids = {u.pk if hasattr(u, "pk") else int(u) for u in users if u is not None}
        return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    if role is not None:
        return list(User.objects.filter(groups__name=role, is_active=True).distinct().order_by("pk"))
    raise InvalidInput(_("Name the users or the role to notify."))


def notify_staff(
    *, users: Iterable | None = None, role: str | None = None, kind: str, subject: str, body: str = "", link: str = ""
) -> list[StaffNotification]:
    """Tell staff something in the staff UI and by e-mail.

    ``users`` (users or ids) or ``role`` (a group name) says who. The notifications are
    rows written in the caller's transaction; the e-mail goes out after it commits,
    by the worker from the outbox (it waits there while the broker or mail server is away).
    """
    from deadlines import outbox, tasks

    now = timezone.now()
    rows = StaffNotification.objects.bulk_create(
        StaffNotification(
            user=user, kind=kind, subject=str(subject)[:200], body=str(body), link=link, created_at=now
        )
        for user in _recipients(users, role)
    )
    if rows:
        outbox.enqueue(tasks.email_notifications, [r.pk for r in rows])
    return rows


def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the e-mail copy of each notification not sent yet; returns how many went out.

    The rows are locked and stamped in the same transaction as the sending, so a task
    delivered twice sends nothing the second time.
    """
    with transaction.atomic():
        pending = list(
            StaffNotification.objects.select_for_update()
            .select_related("user")
            .filter(pk__in=notification_ids, emailed_at__isnull=True)
        )
        messages = []
        for note in pending:
            if not note.user.email:
                continue
            body = note.body
            if note.link:
                body = f"{body}\n\n{settings.PUBLIC_BASE_URL}{note.link}"
            messages.append((note.subject, body, settings.DEFAULT_FROM_EMAIL, [note.user.email]))
        if messages:
            send_mass_mail(messages, fail_silently=False)
        StaffNotification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    return len(messages)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Mark the user's notifications read (the given ones, or all). Only one's own."""
    unread = StaffNotification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=now or timezone.now())


def timers_retry(*, ids: Iterable[int], actor: str) -> int:
    """Put failed timers back in the sweep (after the cause was fixed). Returns how many."""
    with transaction.atomic():
        failed = list(Timer.objects.select_for_update().filter(pk__in=list(ids), state=Timer.State.FAILED))
        for timer in failed:
            events.timer_retried(actor=actor, timer=timer)
        Timer.objects.filter(pk__in=[t.pk for t in failed]).update(
            state=Timer.State.PENDING, attempts=0, fired_at=None, outcome=""
        )
    return len(failed)
