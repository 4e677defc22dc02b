"""Reads of the deadline engine: staff notifications."""

from __future__ import annotations

from deadlines.models import StaffNotification

# --- Staff notifications -------------------------------------------------------------------

def unread_notification_count(user) -> int:
    """How many notifications the user has not read: for the staff header's badge."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user, *, limit: int = 100, unread_only: bool = False) -> list[StaffNotification]:
    rows = StaffNotification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return list(rows.order_by("-created_at", "-pk")[:limit])
