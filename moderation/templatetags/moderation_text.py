from django import template

from moderation.redress import redress_text

register = template.Library()


@register.filter
def redress(text: str) -> str:
    """The redress sentence in the reader's language when it is the standard one."""
    return redress_text(text)
