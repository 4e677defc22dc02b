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


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str = "", width: int = 560, bar_height: int = 22) -> SafeString:
    """A horizontal bar chart with its numbers written out (also for screen readers)."""
    label_width = 150
    value_width = 70
    plot = width - label_width - value_width
    top = max((b.value for b in bars), default=0) or 1
    height = len(bars) * (bar_height + 8) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
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
