from django import template

from complaints.vocabulary import MISSING_LABELS, PRIORITY_LABELS

register = template.Library()


@register.filter
def missing_label(key: str) -> str:
    return str(MISSING_LABELS.get(key, key))


@register.filter
def priority_label(key: str) -> str:
    return str(PRIORITY_LABELS.get(key, key))
