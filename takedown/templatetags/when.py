"""``{{ value|when }}``: a moment in the active zone, naming the zone.

``2026-12-03 20:15 (Asia/Shanghai)``, in a ``<time>`` element the browser script may
rewrite in the reader's own zone (same form). Public views activate the reader's zone
(``takedown.zones.in_person_zone``).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


def _zone_name() -> str:
    return timezone.get_current_timezone_name()


@register.filter
def when(value: datetime | None) -> str:
    if not isinstance(value, datetime):
        return "—" if value is None else str(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    zone = _zone_name()
    return format_html(
        '<time datetime="{}" data-when="datetime" data-zone="{}">{} ({})</time>',
        value.isoformat(), zone, f"{local:%Y-%m-%d %H:%M}", zone,
    )


@register.filter
def when_date(value: datetime | date | None) -> str:
    """The day only (a deadline by the day), in the active zone, naming it."""
    if value is None:
        return "—"
    zone = _zone_name()
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return format_html('<time datetime="{}" data-when="date" data-zone="{}">{} ({})</time>',
                           value.isoformat(), zone, f"{local:%Y-%m-%d}", zone)
    return f"{value:%Y-%m-%d}"
