"""Server-rendered charts: small inline SVG, readable without JavaScript. Pure, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    tone: str = ""  # a CSS class suffix: "alert", "warn", ""


FONT_SIZE = 13


def _text_width(text: str) -> float:
    """Rough rendered width at FONT_SIZE: CJK characters are about twice as wide."""
    return sum(FONT_SIZE if ord(ch) > 0x2E80 else FONT_SIZE * 0.6 for ch in text)


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str = "", width: int = 560, bar_height: int = 22) -> SafeString:
    """A horizontal bar chart with its numbers written out (also for screen readers)."""
    # The label column fits the longest label (within limits), so no label is cut off.
    label_width = int(min(max(max((_text_width(b.label) for b in bars), default=0) + 14, 80), width * 0.5))
    value_width = 70
    plot = width - label_width - value_width
    top = max((b.value for b in bars), default=0) or 1
    height = len(bars) * (bar_height + 8) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-size="{FONT_SIZE}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = 8 + i * (bar_height + 8)
        length = 0 if bar.value <= 0 else max(2, round(plot * bar.value / top))
        tone = f" bar-{escape(bar.tone)}" if bar.tone else ""
        number = f"{bar.value:g}{(' ' + unit) if unit else ''}"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="bar{tone}" x="{label_width}" y="{y}" width="{length}" height="{bar_height}">'
            f"<title>{escape(bar.label)}: {escape(number)}</title></rect>"
            f'<text x="{label_width + length + 6}" y="{y + bar_height * 0.7:.1f}">{escape(number)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
