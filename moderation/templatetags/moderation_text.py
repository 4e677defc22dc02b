from django import template
from django.utils.translation import gettext

from moderation.services import DEFAULT_REDRESS

register = template.Library()


@register.filter
def redress(text: str) -> str:
    """The redress sentence in the reader's language when it is the standard one."""
    return gettext(DEFAULT_REDRESS) if text == DEFAULT_REDRESS else text
