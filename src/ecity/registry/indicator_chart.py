"""A server-rendered SVG line chart of an indicator's figures: no JavaScript needed.

One line per region, one marker per figure (with a ``<title>`` that screen readers and mouse
users get: region, period and value), a ``<title>`` and ``<desc>`` for the chart as a whole and
``role="img"``. The page shows the same figures in a data table next to it. Text is escaped;
coordinates are computed here, never taken from the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 190, 20, 50  # the legend holds 12 characters
#: Colour-blind safe (Okabe–Ito); lines also differ by dash pattern.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3")


@dataclass(frozen=True)
class Point:
    period: str
    value: Decimal
    label: str  # the value as published


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high == low:
        return [low]
    step = (high - low) / (count - 1)
    return [low + step * i for i in range(count)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def chart_svg(*, title: str, description: str, unit: str, series: Sequence[Series]) -> str:
    """Return the chart as an ``<svg>`` element (to embed in a page); empty without points."""
    periods = sorted({p.period for s in series for p in s.points}, key=_period_key)
    values = [float(p.value) for s in series for p in s.points]
    if not periods:
        return ""
    low, high = min(values), max(values)
    if low > 0 and (high - low) < high * 0.5:
        pad = (high - low) * 0.1 or abs(high) * 0.05 or 1
        low, high = low - pad, high + pad
    else:
        low, high = min(low, 0.0), max(high, 0.0)
        if low == high:
            high = low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(period: str) -> float:
        if len(periods) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * periods.index(period) / (len(periods) - 1)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<text x="{LEFT - 8}" y="{TOP - 6}" text-anchor="end" font-size="12">'
        f"{escape(unit)}</text>",
    ]
    for tick in _ticks(low, high):
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#ddd" aria-hidden="true"/>'
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="12" '
            f'aria-hidden="true">{_number(tick)}</text>'
        )
    every = max(1, len(periods) // 8)
    for index, period in enumerate(periods):
        if index % every == 0:
            parts.append(
                f'<text x="{x(period):.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" '
                f'font-size="12" aria-hidden="true">{escape(period)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#333" '
        f'aria-hidden="true"/><line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}" stroke="#333" aria-hidden="true"/>'
    )
    for number, line in enumerate(series):
        colour, dash = COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)]
        points = sorted(line.points, key=lambda p: _period_key(p.period))
        coordinates = " ".join(f"{x(p.period):.1f},{y(float(p.value)):.1f}" for p in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series"><title>{escape(line.name)}</title>')
        if len(points) > 1:
            parts.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        for point in points:
            parts.append(
                f'<circle class="point" cx="{x(point.period):.1f}" '
                f'cy="{y(float(point.value)):.1f}" r="4" fill="{colour}">'
                f"<title>{escape(line.name)} {escape(point.period)}: "
                f"{escape(point.label)} {escape(unit)}</title></circle>"
            )
        parts.append("</g>")
        legend_y = TOP + 10 + number * 20
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 36}" y1="{legend_y}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="2"{dash_attr} aria-hidden="true"/>'
            f'<text x="{WIDTH - RIGHT + 42}" y="{legend_y + 4}" font-size="12" '
            f'aria-hidden="true">{escape(line.name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _period_key(period: str) -> tuple[int, int]:
    year = int(period[:4])
    rest = period[4:]
    if rest.startswith("Q"):
        return year, int(rest[1:]) * 3
    if rest.startswith("-"):
        return year, int(rest[1:])
    return year, 12
