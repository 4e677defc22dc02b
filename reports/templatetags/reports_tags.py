"""``{% case_assessment complaint %}`` and ``{% incident_assessment incident %}``: the
serious-circumstances assessment on staff pages, without the page's view knowing about it."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from reports.assessments import assessment_context, incident_assessment_context

register = template.Library()


@register.inclusion_tag("reports/_assessment.html")
def case_assessment(complaint) -> dict:
    return assessment_context(complaint, get_language() or "en")


@register.inclusion_tag("reports/_assessment.html")
def incident_assessment(incident) -> dict:
    return incident_assessment_context(incident, get_language() or "en")
