"""Tiny server-drawn SVG bar charts for printed reports.

The cockpit's pages draw their charts with ECharts in the browser; a PDF is rendered by
WeasyPrint, which runs no JavaScript, so the printed report gets inline SVG drawn here.
Every label is escaped (`format_html`); the figures stay exact in the labels and become
floats only for geometry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

FONT = "'Noto Sans CJK SC', sans-serif"
INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"

Number = int | Decimal


@dataclass(frozen=True)
class Series:
    """One series of bars: its legend label, colour and one value per category."""

    label: str
    colour: str
    values: Sequence[Number]


def _join(parts: Sequence[SafeString | str]) -> SafeString:
    return format_html_join("", "{}", ((p,) for p in parts))


def _fmt(value: Number) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,}"


def _n(x: float) -> str:
    """A coordinate, short: 12.0 → "12", 12.3456 → "12.35"."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (an axis maximum)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _tick(value: float) -> str:
    if value >= 1_000_000 and value % 10_000 == 0:
        return f"{value / 10_000:,.0f}万"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _text(
    x: float, y: float, label: str, *, anchor: str = "start", size: int = 9, **attrs: str
) -> SafeString:
    extra = format_html_join("", ' {}="{}"', ((k.replace("_", "-"), v) for k, v in attrs.items()))
    return format_html(
        '<text x="{}" y="{}" font-size="{}" text-anchor="{}"{}>{}</text>',
        _n(x),
        _n(y),
        size,
        anchor,
        extra,
        label,
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str = "") -> SafeString:
    tip = format_html("<title>{}</title>", title) if title else ""
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">{}</rect>',
        _n(x),
        _n(y),
        _n(max(w, 0.0)),
        _n(max(h, 0.0)),
        fill,
        tip,
    )


def _svg(width: float, height: float, title: str, body: Sequence[SafeString | str]) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{}" '
        'width="{}" height="{}" viewBox="0 0 {} {}" font-family="{}" fill="{}">{}</svg>',
        title,
        _n(width),
        _n(height),
        _n(width),
        _n(height),
        FONT,
        INK,
        _join(body),
    )


def _legend(series: Sequence[Series], x: float, y: float, width: float) -> list[SafeString]:
    """Swatches and labels in a row (wrapping), starting at (x, y)."""
    out = []
    cx, cy = x, y
    for s in series:
        w = 14 + 9 * _text_width(s.label) + 12
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 14
        out.append(_rect(cx, cy - 8, 9, 9, s.colour))
        out.append(_text(cx + 13, cy, s.label))
        cx += w
    return out


def _text_width(label: str) -> float:
    """Rough width of a label in ems: CJK characters are one em, others about half."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in label)


def _legend_rows(series: Sequence[Series], width: float) -> int:
    rows, cx = 1, 0.0
    for s in series:
        w = 14 + 9 * _text_width(s.label) + 12
        if cx + w > width and cx > 0:
            rows, cx = rows + 1, 0.0
        cx += w
    return rows


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    width: float = 680,
    height: float = 230,
    value_labels: bool = True,
) -> SafeString:
    """Vertical bars, one group per category and one bar per series in each group."""
    legend_h = 14 * _legend_rows(series, width) + 6
    left, right, top, bottom = 56.0, 8.0, legend_h + 12.0, 22.0
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_ceiling(max((float(v) for s in series for v in s.values), default=0.0) * 1.08)
    # Four gridlines, or five or two where four would put counts at fractions (2.5 of 10).
    whole = all(isinstance(v, int) for s in series for v in s.values)
    steps = next((n for n in (4, 5, 2, 1) if not whole or (top_value / n).is_integer()), 4)
    body: list[SafeString | str] = list(_legend(series, left, 12, plot_w))
    for i in range(steps + 1):
        value = top_value * i / steps
        y = top + plot_h - plot_h * i / steps
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.6"/>',
                _n(left),
                _n(y),
                _n(left + plot_w),
                _n(y),
                GRID,
            )
        )
        body.append(_text(left - 4, y + 3, _tick(value), anchor="end", size=8, fill=MUTED))
    n = max(len(categories), 1)
    group_w = plot_w / n
    bar_w = min(28.0, group_w * 0.8 / max(len(series), 1))
    for ci, category in enumerate(categories):
        gx = left + group_w * ci + (group_w - bar_w * len(series)) / 2
        for si, s in enumerate(series):
            value = s.values[ci]
            h = plot_h * float(value) / top_value
            x = gx + bar_w * si
            body.append(
                _rect(x, top + plot_h - h, bar_w - 1.5, h, s.colour, f"{s.label} {_fmt(value)}")
            )
            if value_labels and value:
                body.append(
                    _text(
                        x + (bar_w - 1.5) / 2,
                        top + plot_h - h - 2,
                        _fmt(value),
                        anchor="middle",
                        size=6,
                    )
                )
        body.append(_text(left + group_w * (ci + 0.5), height - 8, category, anchor="middle"))
    return _svg(width, height, title, body)


def stacked_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    width: float = 680,
    bar_height: float = 16,
    gap: float = 7,
) -> SafeString:
    """Horizontal bars, one per category, each split into the series' values (e.g. projects
    of a subdistrict by stage), with the bar's total at its end."""
    legend_h = 14 * _legend_rows(series, width) + 6
    label_w = min(150.0, 12 + 9 * max((_text_width(c) for c in categories), default=4))
    left, right, top = label_w, 36.0, legend_h + 8.0
    plot_w = width - left - right
    totals = [sum((s.values[i] for s in series), 0) for i in range(len(categories))]
    top_value = float(max(totals, default=0)) or 1.0
    height = top + len(categories) * (bar_height + gap) + 4
    body: list[SafeString | str] = list(_legend(series, 0, 12, width))
    for ci, category in enumerate(categories):
        y = top + ci * (bar_height + gap)
        body.append(_text(left - 6, y + bar_height * 0.7, category, anchor="end"))
        x = left
        for s in series:
            value = s.values[ci]
            if not value:
                continue
            w = plot_w * float(value) / top_value
            body.append(_rect(x, y, w, bar_height, s.colour, f"{category} {s.label} {_fmt(value)}"))
            if w >= 12:
                body.append(
                    _text(
                        x + w / 2,
                        y + bar_height * 0.72,
                        _fmt(value),
                        anchor="middle",
                        size=8,
                        fill="#fff",
                    )
                )
            x += w
        body.append(_text(x + 4, y + bar_height * 0.72, _fmt(totals[ci]), size=8, fill=MUTED))
    return _svg(width, height, title, body)


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    colours: Sequence[str] | str = "#0d6efd",
    title: str = "",
    width: float = 680,
    bar_height: float = 13,
    gap: float = 5,
) -> SafeString:
    """One horizontal bar per label (e.g. investment by source), the value at its end."""
    label_w = min(170.0, 12 + 9 * max((_text_width(c) for c in labels), default=4))
    value_w = 9 * 0.56 * max((len(_fmt(v)) for v in values), default=4) + 8
    left, right, top = label_w, value_w, 4.0
    plot_w = width - left - right
    top_value = float(max(values, default=0)) or 1.0
    height = top + len(labels) * (bar_height + gap) + 2
    body: list[SafeString | str] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        colour = colours if isinstance(colours, str) else colours[i]
        y = top + i * (bar_height + gap)
        w = plot_w * float(value) / top_value
        body.append(_text(left - 6, y + bar_height * 0.75, label, anchor="end"))
        body.append(_rect(left, y, w, bar_height, colour, f"{label} {_fmt(value)}"))
        body.append(_text(left + w + 4, y + bar_height * 0.75, _fmt(value), size=8, fill=MUTED))
    return _svg(width, height, title, body)
