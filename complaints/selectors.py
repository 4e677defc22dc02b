"""Reads of the complaint channel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from complaints.models import Complaint

# Events a complainant may see on the tracking page, with the words shown for each.
# Other apps add their own (decisions, counter-notices, appeals) with
# ``register_public_event``; anything unregistered stays staff-only.
_PUBLIC_EVENTS: dict[str, Any] = {
    "complaint.submitted": _("Report received"),
    "complaint.became_valid": _("Report complete: the response clock started"),
    "complaint.evidence_added": _("Evidence added"),
    "complaint.details_added": _("Details added"),
    "complaint.message_added": _("Message"),
}


def register_public_event(code: str, label: Any) -> None:
    _PUBLIC_EVENTS[code] = label


def public_timeline(complaint: Complaint) -> list[dict[str, Any]]:
    """The complaint's history as the complainant sees it: when and what, never who."""
    events = AuditEvent.objects.filter(
        target_type="complaint", target_id=str(complaint.pk), code__in=list(_PUBLIC_EVENTS)
    ).order_by("id").values("created_at", "code")
    return [{"at": e["created_at"], "code": e["code"], "label": _PUBLIC_EVENTS[e["code"]]} for e in events]


def complaint_by_reference(reference: str) -> Complaint | None:
    parsed = Complaint.pk_from_reference(reference)
    if parsed is None:
        return None
    year, pk = parsed
    complaint = Complaint.objects.select_related("policy").filter(pk=pk).first()
    if complaint is None or complaint.received_at.year != year:
        return None
    return complaint


def tracking_status(complaint: Complaint) -> dict[str, Any]:
    """What the tracking page and ``GET /api/v1/track/<token>/`` show. No staff identities."""
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "status_label": complaint.get_status_display(),
        "priority": complaint.priority,
        "received_at": complaint.received_at,
        "response_due_at": complaint.response_due_at,
        "missing": list(complaint.missing),
        "items": [{"url": i.url, "note": i.note} for i in complaint.items.all()],
        "evidence": [
            {"name": e.original_name, "sha256": e.sha256, "content_type": e.content_type, "received_at": e.received_at}
            for e in complaint.evidence.all()
        ],
        "timeline": public_timeline(complaint),
        "messages": [
            {"at": m.created_at, "from": m.author, "from_label": m.get_author_display(), "body": m.body}
            for m in complaint.messages.all()
        ],
    }


# Sections other apps add to the tracking page (outcome and counter-notice, one-click
# protection, evidence pack): (template name, function(complaint, token) -> context or None).
_TRACKING_PANELS: list[tuple[str, Any]] = []


def register_tracking_panel(template_name: str, context_fn: Any) -> None:
    if all(name != template_name for name, _fn in _TRACKING_PANELS):
        _TRACKING_PANELS.append((template_name, context_fn))


def tracking_panels(complaint: Complaint, token: str) -> list[tuple[str, dict[str, Any]]]:
    """The panels that apply to this complaint, with their contexts, in registration order."""
    panels = []
    for template_name, context_fn in _TRACKING_PANELS:
        context = context_fn(complaint, token)
        if context is not None:
            panels.append((template_name, context))
    return panels
