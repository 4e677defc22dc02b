"""The chart of an alert: the target's recent buckets against its baseline. Pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def alert_chart(
    counts: list[list[int]], *, expected: float, spread: float, bucket_seconds: int, title: str,
    width: int = 640, height: int = 220,
) -> SafeString:
    """Columns of the signal count per bucket, the expected level, and the level 3 spreads up.

    The alert's own bucket is the last column, drawn in the alert tone. Every column has a
    tooltip with its time and count, and the chart's title names the figures, so the
    chart reads without colour and without JavaScript.
    """
    left, right, top, bottom = 44, 8, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([c for _b, c in counts] + [expected + 3 * spread, 1.0])
    n = max(len(counts), 1)
    step = plot_w / n

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / peak

    parts = [
        f'<svg class="chart alert-chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#555"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="11">{peak:.0f}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, (bucket, count) in enumerate(counts):
        x = left + i * step
        h = top + plot_h - y(count)
        last = i == len(counts) - 1
        moment = datetime.fromtimestamp(bucket, tz=UTC).strftime("%H:%M:%S")
        fill = "#b3261e" if last else "#5b7aa6"
        parts.append(
            f'<rect class="bar{" bar-alert" if last else ""}" x="{x + 1:.1f}" y="{y(count):.1f}" '
            f'width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{fill}">'
            f"<title>{moment} UTC: {count}</title></rect>"
        )
    base_y = y(expected)
    band_y = y(expected + 3 * spread)
    parts.append(
        f'<line class="expected" x1="{left}" y1="{base_y:.1f}" x2="{width - right}" y2="{base_y:.1f}" '
        f'stroke="#1b5e20" stroke-width="2"><title>expected {expected:.1f}</title></line>'
    )
    parts.append(
        f'<line class="threshold" x1="{left}" y1="{band_y:.1f}" x2="{width - right}" y2="{band_y:.1f}" '
        f'stroke="#1b5e20" stroke-dasharray="4 3"><title>expected + 3 spreads {expected + 3 * spread:.1f}</title></line>'
    )
    if counts:
        first = datetime.fromtimestamp(counts[0][0], tz=UTC).strftime("%H:%M")
        last_t = datetime.fromtimestamp(counts[-1][0] + bucket_seconds, tz=UTC).strftime("%H:%M UTC")
        parts.append(f'<text x="{left}" y="{height - 8}" font-size="11">{first}</text>')
        parts.append(f'<text x="{width - right}" y="{height - 8}" text-anchor="end" font-size="11">{last_t}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
