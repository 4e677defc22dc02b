"""Template tags for the staff layout: ``{% load deadline_tags %}``."""

from __future__ import annotations

from django import template

from deadlines.selectors import unread_notification_count

register = template.Library()


@register.inclusion_tag("deadlines/_notification_badge.html", takes_context=True)
def notification_badge(context) -> dict:
    """A link to the notifications page with the unread count (one COUNT query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": unread_notification_count(user)}
