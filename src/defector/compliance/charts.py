"""Charts drawn on the server as SVG: horizontal bars, one group per row of a table.

Accessible: each chart is an ``<svg role="img">`` named by its ``<title>`` and described by
its ``<desc>`` (which states every figure), and every page shows the chart's table beside it
for screen readers and for anyone who prefers numbers. No script, no inline style (the
Content-Security-Policy forbids both): colours are presentation attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Bar colours of the US Web Design System (primary, error, base), distinct in grey too.
COLOURS: Final = ("#005ea2", "#b50909", "#71767a")
WIDTH: Final = 640
LABEL_WIDTH: Final = 260
BAR_HEIGHT: Final = 14
GAP: Final = 10
LEGEND_HEIGHT: Final = 24


@dataclass(frozen=True, slots=True)
class Series:
    """One series of bars: its name and one value per label."""

    name: str
    values: Sequence[int]


def bar_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """A horizontal bar chart: for each label, one bar per series, with its value written at
    its end. The description lists every figure in words."""
    peak = max([1, *(v for s in series for v in s.values)])
    plot = WIDTH - LABEL_WIDTH - 50
    group = len(series) * BAR_HEIGHT + GAP
    height = LEGEND_HEIGHT + max(1, len(labels)) * group + GAP
    facts = "; ".join(
        f"{label}: " + ", ".join(f"{s.name} {s.values[i]}" for s in series)
        for i, label in enumerate(labels)
    )
    desc = facts or "No figures yet."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="compliance-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    x = LABEL_WIDTH
    for number, s in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="14" font-size="12">{escape(s.name)}</text>'
        )
        x += 16 + 8 * len(s.name) + 16
    if not labels:
        parts.append(f'<text x="0" y="{LEGEND_HEIGHT + 14}" font-size="12">No figures yet.</text>')
    for row, label in enumerate(labels):
        top = LEGEND_HEIGHT + row * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + len(series) * BAR_HEIGHT / 2 + 4}" '
            f'font-size="12" text-anchor="end">{escape(label[:40])}</text>'
        )
        for number, s in enumerate(series):
            value = s.values[row]
            width = round(plot * value / peak)
            y = top + number * BAR_HEIGHT
            colour = COLOURS[number % len(COLOURS)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT - 2}" '
                f'fill="{colour}"/>'
                f'<text x="{LABEL_WIDTH + width + 4}" y="{y + BAR_HEIGHT - 3}" '
                f'font-size="11">{value}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
