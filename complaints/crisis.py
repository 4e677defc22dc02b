"""Crisis support shown beside the emergency number when a person says they fear they
might hurt themselves (the harm ``self_harm_risk``), on the receipt and the tracking page.

Published, free lines, by the language of the page:
- 12356: China's national psychological assistance hotline, one number nationwide from
  1 January 2025 (National Health Commission of the PRC, announcement of December 2024).
- 010-82951332: the 24-hour crisis line of the Beijing Suicide Research and Prevention
  Center (Beijing Huilongguan Hospital), published on the center's site.
- 988: the US Suicide & Crisis Lifeline, call or text (SAMHSA, 988lifeline.org).
- 116 123: Samaritans, free, day or night, in the UK and Ireland (samaritans.org).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SELF_HARM = "self_harm_risk"


@dataclass(frozen=True)
class CrisisLine:
    name: object
    number: str
    where: object


CRISIS_LINES = {
    "zh": [
        CrisisLine(_("National psychological assistance hotline"), "12356", _("mainland China, nationwide")),
        CrisisLine(_("Beijing psychological crisis line, 24 hours"), "010-82951332", _("mainland China")),
    ],
    "en": [
        CrisisLine(_("Suicide & Crisis Lifeline (call or text)"), "988", _("United States")),
        CrisisLine(_("Samaritans, free, day or night"), "116 123", _("United Kingdom and Ireland")),
        CrisisLine(_("National psychological assistance hotline"), "12356", _("mainland China, nationwide")),
    ],
}


def crisis_lines(harms, language: str) -> list[CrisisLine]:
    """The lines to show for a notice with these harms, in this page language (none if not at risk)."""
    if SELF_HARM not in (harms or ()):
        return []
    return CRISIS_LINES["zh" if (language or "").lower().startswith("zh") else "en"]
