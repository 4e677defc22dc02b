"""The standard redress sentence reaches each side in their own language."""

from django.utils import translation

from moderation.redress import DEFAULT_REDRESS
from moderation.templatetags.moderation_text import redress


def test_standard_redress_is_translated_and_a_moderators_own_text_is_kept():
    with translation.override("zh-hans"):
        assert "申诉" in redress(DEFAULT_REDRESS)
        assert redress("Appeal within 6 months.") == "Appeal within 6 months."
    with translation.override("en"):
        assert redress(DEFAULT_REDRESS) == DEFAULT_REDRESS
