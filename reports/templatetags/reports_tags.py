"""``{% case_assessment complaint %}`` and ``{% incident_assessment incident %}``: the
serious-circumstances assessment on staff pages, without the page's view knowing about it."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from reports.assessments import assessment_context, incident_assessment_context

register = template.Library()


@register.inclusion_tag("reports/_assessment.html", takes_context=True)
def case_assessment(context, complaint) -> dict:
    # The referral form posts with the page's CSRF token.
    return {
        **assessment_context(complaint, get_language() or "en"),
        "reference": complaint.reference,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reports/_assessment.html")
def incident_assessment(incident) -> dict:
    return incident_assessment_context(incident, get_language() or "en")
