"""Geometry of the server-rendered SVG charts of the statistics pages (no JavaScript).

Each function turns selector results into numbers a template draws: a line over time with its
axis labels, horizontal bars, and a grid map of regions shaded by count. The templates pair
every chart with a data table (the accessible alternative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ecity.hotline.selectors.hotspots import Bucket, Group

# Five shades of the site's blue, light to dark; text turns white on the two darkest.
SHADES = ("#eef3fb", "#c6d7f0", "#8fb0e0", "#4a7cc7", "#1f4e99")


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    bottom: int
    points: str
    dots: list[dict[str, object]]
    x_labels: list[dict[str, object]]
    y_ticks: list[dict[str, object]]


def line_chart(buckets: Sequence[Bucket], *, width: int = 640, height: int = 240) -> LineChart:
    """A line through the counts of ``buckets``, with up to eight date labels and five ticks."""
    left, right, top, bottom = 40, 12, 12, height - 28
    top_value = _nice_max(max((b.count for b in buckets), default=0))
    span = max(len(buckets) - 1, 1)

    def x(i: int) -> float:
        return round(left + (width - left - right) * i / span, 1)

    def y(v: int) -> float:
        return round(bottom - (bottom - top) * v / top_value, 1)

    dots = [
        {"x": x(i), "y": y(b.count), "count": b.count, "on": b.on} for i, b in enumerate(buckets)
    ]
    every = max(1, math.ceil(len(buckets) / 8))
    return LineChart(
        width=width,
        height=height,
        left=left,
        bottom=bottom,
        points=" ".join(f"{d['x']},{d['y']}" for d in dots),
        dots=dots,
        x_labels=[{"x": d["x"], "on": d["on"]} for i, d in enumerate(dots) if i % every == 0],
        y_ticks=[{"y": y(top_value * k // 4), "value": top_value * k // 4} for k in range(5)],
    )


@dataclass(frozen=True)
class Bar:
    y: int
    width: float
    label: str
    count: int


def bar_chart(groups: Sequence[Group], *, width: int = 640, row: int = 26) -> dict[str, object]:
    """Horizontal bars of ``groups`` (label left, bar, count right)."""
    label_width, count_width = 160, 48
    most = max((g.count for g in groups), default=0) or 1
    room = width - label_width - count_width
    bars = [
        Bar(y=i * row, width=round(room * g.count / most, 1), label=g.label, count=g.count)
        for i, g in enumerate(groups)
    ]
    return {
        "width": width,
        "height": max(len(bars), 1) * row,
        "bar_x": label_width,
        "count_x": label_width + 6,
        "bars": bars,
        "row": row,
    }


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    fill: str
    text: str
    label: str
    count: int


def region_grid(groups: Sequence[Group], *, cell: int = 120, gap: int = 6) -> dict[str, object]:
    """A grid map: one square per region (in code order), shaded by its share of the most."""
    placed = [g for g in groups if g.key]
    columns = max(1, math.ceil(math.sqrt(len(placed))))
    most = max((g.count for g in placed), default=0)
    cells = []
    for i, group in enumerate(placed):
        level = 0 if not most or not group.count else min(4, 1 + 4 * (group.count - 1) // most)
        cells.append(
            Cell(
                x=(i % columns) * (cell + gap),
                y=(i // columns) * (cell + gap),
                fill=SHADES[level],
                text="#ffffff" if level >= 3 else "#1b1b1b",
                label=group.label,
                count=group.count,
            )
        )
    rows = max(1, math.ceil(len(placed) / columns))
    return {
        "width": columns * (cell + gap),
        "height": rows * (cell + gap),
        "cell": cell,
        "cells": cells,
        "shades": SHADES,
    }
