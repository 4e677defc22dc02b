from django import template

from complaints.vocabulary import (
    MISSING_LABELS,
    PRIORITY_LABELS,
    disclosed_label,
    harm_label,
    reason_label,
)

register = template.Library()


@register.filter
def missing_label(key: str) -> str:
    return str(MISSING_LABELS.get(key, key))


@register.filter
def priority_label(key: str) -> str:
    return str(PRIORITY_LABELS.get(key, key))


@register.filter
def disclosed_labels(keys) -> str:
    """Kinds of personal information in words, joined: ``home_address`` as "Home address"."""
    return ", ".join(disclosed_label(k) for k in keys or ())


@register.filter
def harm_labels(keys) -> str:
    return ", ".join(harm_label(k) for k in keys or ())


@register.filter
def reason_labels(codes) -> str:
    return "; ".join(reason_label(c) for c in codes or ())


@register.simple_tag(takes_context=True)
def crisis_support(context, harms) -> list:
    """The crisis lines for a notice reporting a risk of self-harm, in the page's language."""
    from django.utils import translation

    from complaints.crisis import crisis_lines

    return crisis_lines(harms, translation.get_language() or "en")
