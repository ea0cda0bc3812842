"""The diary's charts as data: the series a view aggregates, and the geometry drawn from them.

The tags in ``legs/templatetags/charts.py`` turn a small series (already aggregated by the view)
into a `Chart`: every coordinate and label is computed here as a plain string of digits, and a
template under ``templates/legs/diary/charts/`` draws it as inline SVG, so the charts read
without JavaScript. No member text ever reaches the SVG, only numbers and
dates, and the templates escape everything anyway. Each chart has a ``<title>`` and ``<desc>``
(its text alternative) and a table of the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from legs import formats
from legs.insights import ACWR_SWEET_SPOT, ACWR_WARNING, SLEEP_TARGET_HOURS

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 56, 16, 56
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
BASELINE = TOP + PLOT_HEIGHT


@dataclass(frozen=True)
class WeekTotal:
    start: date  # the Monday
    distance: float  # in the member's unit
    heaviness: float | None  # mean of the week's heaviness entries, 0-10


@dataclass(frozen=True)
class RatioPoint:
    day: date
    ratio: float | None  # None until the diary spans 28 days


@dataclass(frozen=True)
class SleepPoint:
    day: date
    sleep_hours: float
    heaviness: int  # on waking, after that night's sleep


@dataclass(frozen=True)
class Tick:
    position: str  # x or y in SVG units
    label: str


@dataclass
class Chart:
    """What a chart template needs: sizes, axes and the marks, all as strings."""

    key: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: str = str(WIDTH - RIGHT)
    top: int = TOP
    baseline: int = BASELINE
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    y2_ticks: list[Tick] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""
    y2_title: str = ""
    marks: dict[str, Any] = field(default_factory=dict)
    table_head: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    empty: str = ""  # shown instead of the axes when there is nothing to draw

    @property
    def plot_width(self) -> int:
        return PLOT_WIDTH

    @property
    def mid_x(self) -> str:
        return _n(LEFT + PLOT_WIDTH / 2)

    @property
    def mid_y(self) -> str:
        return _n(TOP + PLOT_HEIGHT / 2)


def _n(value: float) -> str:
    """An SVG number: one decimal, never localised, never "-0.0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _label(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `maximum`: steps of 1, 2, 2.5 or 5 x 10^n."""
    maximum = maximum if maximum > 0 else 1.0
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    steps = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 6) for i in range(steps + 1)]


def _y(value: float, top_value: float, bottom_value: float = 0.0) -> float:
    share = (value - bottom_value) / (top_value - bottom_value)
    return BASELINE - share * PLOT_HEIGHT


def _day(value: date) -> str:
    """ "3 Feb": axis labels and table rows are narrow, and the chart's title gives the year."""
    return formats.day(value, weekday=False, year=False)


def _segments(points: Sequence[tuple[float, float] | None]) -> list[str]:
    """SVG path data, one path per run of consecutive points (gaps where a value is missing)."""
    paths, current = [], []
    for point in [*points, None]:
        if point is None:
            if len(current) > 1:
                paths.append(" ".join(current))
            elif len(current) == 1:  # a lone point still shows, as a tiny stroke
                paths.append(f"{current[0]} h0.1")
            current = []
            continue
        command = "M" if not current else "L"
        current.append(f"{command}{_n(point[0])},{_n(point[1])}")
    return paths


def weekly_chart(weeks: Sequence[WeekTotal], unit: str) -> Chart:
    chart = Chart(
        key="weekly",
        title="Weekly distance and average leg heaviness, last 12 weeks",
        description="",
        x_title="Week starting (Monday)",
        y_title=f"Distance ({unit})",
        y2_title="Heaviness (0-10, our scale)",
        table_head=["Week starting", f"Distance ({unit})", "Average heaviness (0-10)"],
    )
    if not any(week.distance or week.heaviness is not None for week in weeks):
        chart.empty = "No runs or check-ins in the last 12 weeks yet: log one to start the chart."
        return chart
    ticks = nice_ticks(max(week.distance for week in weeks))
    top_value = ticks[-1]
    chart.y_ticks = [Tick(_n(_y(t, top_value)), _label(t)) for t in ticks]
    chart.y2_ticks = [Tick(_n(_y(t, 10)), _label(t)) for t in range(0, 11, 2)]
    band = PLOT_WIDTH / len(weeks)
    bars, line = [], []
    for index, week in enumerate(weeks):
        centre = LEFT + band * (index + 0.5)
        top = _y(week.distance, top_value)
        bars.append(
            {
                "x": _n(centre - band * 0.3),
                "y": _n(top),
                "width": _n(band * 0.6),
                "height": _n(BASELINE - top),
                "label": f"Week of {_day(week.start)}: {week.distance:.1f} {unit}",
            }
        )
        if index % 2 == 0 or len(weeks) <= 6:
            chart.x_ticks.append(Tick(_n(centre), _day(week.start)))
        line.append(None if week.heaviness is None else (centre, _y(week.heaviness, 10)))
        chart.table_rows.append(
            [
                _day(week.start),
                f"{week.distance:.1f}",
                "" if week.heaviness is None else f"{week.heaviness:.1f}",
            ]
        )
    chart.marks = {
        "bars": bars,
        "heaviness_paths": _segments(line),
        "heaviness_points": [
            {"cx": _n(p[0]), "cy": _n(p[1]), "label": f"{w.heaviness:.1f}/10"}
            for p, w in zip(line, weeks, strict=True)
            if p is not None
        ],
    }
    total = sum(week.distance for week in weeks)
    busiest = max(weeks, key=lambda week: week.distance)
    latest = weeks[-1]
    heaviness_text = (
        f", average heaviness {latest.heaviness:.1f} out of 10"
        if latest.heaviness is not None
        else ", no heaviness logged"
    )
    chart.description = (
        f"Bars show the distance run each week, {total:.1f} {unit} in all over 12 weeks; the "
        f"busiest week started {_day(busiest.start)} with {busiest.distance:.1f} {unit}. "
        f"This week so far: {latest.distance:.1f} {unit}{heaviness_text}. The line shows the "
        "average leg heaviness of each week's entries on a 0 to 10 scale."
    )
    return chart


def ratio_chart(points: Sequence[RatioPoint]) -> Chart:
    low, high = ACWR_SWEET_SPOT
    chart = Chart(
        key="ratio",
        title="Workload ratio, last 8 weeks",
        description="",
        x_title="Day",
        y_title="Workload ratio",
        table_head=["Day", "Workload ratio"],
    )
    values = [p.ratio for p in points if p.ratio is not None]
    if not values:
        chart.empty = (
            "The workload ratio appears once your diary has 4 weeks of runs: it compares your "
            "last 7 days with your average week over 4 weeks."
        )
        return chart
    ticks = nice_ticks(max(2.0, *values), count=4)
    top_value = ticks[-1]
    chart.y_ticks = [Tick(_n(_y(t, top_value)), _label(t)) for t in ticks]
    step = PLOT_WIDTH / max(len(points) - 1, 1)
    line = []
    for index, point in enumerate(points):
        x = LEFT + step * index
        line.append(None if point.ratio is None else (x, _y(point.ratio, top_value)))
        if index % 7 == (len(points) - 1) % 7:
            chart.x_ticks.append(Tick(_n(x), _day(point.day)))
        if point.ratio is not None:
            chart.table_rows.append([_day(point.day), f"{point.ratio:.2f}"])
    band_top, band_bottom = _y(high, top_value), _y(low, top_value)
    chart.marks = {
        "band": {
            "y": _n(band_top),
            "height": _n(band_bottom - band_top),
            "label_y": _n(band_top + 12),
            "label": f"Sweet spot {low:g}-{high:g}",
        },
        "warning": {"y": _n(_y(ACWR_WARNING, top_value)), "label": f"{ACWR_WARNING:g}"},
        "paths": _segments(line),
        "last": None,
    }
    last = next(
        ((p, xy) for p, xy in zip(reversed(points), reversed(line), strict=True) if xy), None
    )
    if last:
        point, (x, y) = last
        chart.marks["last"] = {"cx": _n(x), "cy": _n(y), "label": f"{point.ratio:.2f}"}
        where = (
            "inside the sweet spot"
            if low <= point.ratio <= high
            else ("above the sweet spot" if point.ratio > high else "below the sweet spot")
        )
        chart.description = (
            f"The line shows your acute to chronic workload ratio each day; the shaded band is "
            f"the {low:g} to {high:g} sweet spot and the dashed line marks {ACWR_WARNING:g}. "
            f"On {_day(point.day)} it was {point.ratio:.2f}, {where}. Values ranged from "
            f"{min(values):.2f} to {max(values):.2f}."
        )
    return chart


def sleep_chart(points: Sequence[SleepPoint]) -> Chart:
    chart = Chart(
        key="sleep",
        title="Sleep and leg heaviness the morning after, last 12 weeks",
        description="",
        x_title="Hours slept",
        y_title="Heaviness on waking (0-10)",
        table_head=["Morning", "Hours slept", "Heaviness on waking (0-10)"],
    )
    if not points:
        chart.empty = (
            "Log a few morning check-ins (hours slept and how heavy your legs feel) to see how "
            "the two go together."
        )
        return chart
    hours = [p.sleep_hours for p in points]
    low = min(4.0, math.floor(min(hours)))
    high = max(10.0, math.ceil(max(hours)))
    step = 1 if high - low <= 10 else 2
    span = high - low

    def x_of(value: float) -> float:
        return LEFT + (value - low) / span * PLOT_WIDTH

    chart.x_ticks = [Tick(_n(x_of(h)), _label(h)) for h in _range(low, high, step)]
    chart.y_ticks = [Tick(_n(_y(t, 10)), _label(t)) for t in range(0, 11, 2)]
    chart.marks = {
        "points": [
            {
                "cx": _n(x_of(p.sleep_hours)),
                "cy": _n(_y(p.heaviness, 10)),
                "label": f"{_day(p.day)}: {p.sleep_hours:g} h, heaviness {p.heaviness}/10",
            }
            for p in points
        ],
        "target": {"x": _n(x_of(SLEEP_TARGET_HOURS)), "label": f"{SLEEP_TARGET_HOURS} h"},
    }
    chart.table_rows = [[_day(p.day), f"{p.sleep_hours:g}", str(p.heaviness)] for p in points]
    short = [p.heaviness for p in points if p.sleep_hours < SLEEP_TARGET_HOURS]
    enough = [p.heaviness for p in points if p.sleep_hours >= SLEEP_TARGET_HOURS]
    parts = [f"Each dot is one morning: {len(points)} in all."]
    if short:
        parts.append(
            f"After under {SLEEP_TARGET_HOURS} hours, heaviness averaged "
            f"{sum(short) / len(short):.1f} out of 10 ({formats.plural(len(short), 'morning')})."
        )
    if enough:
        parts.append(
            f"After {SLEEP_TARGET_HOURS} hours or more, it averaged "
            f"{sum(enough) / len(enough):.1f} ({formats.plural(len(enough), 'morning')})."
        )
    chart.description = " ".join(parts)
    return chart


def _range(low: float, high: float, step: float) -> list[float]:
    count = int(round((high - low) / step))
    return [low + i * step for i in range(count + 1)]
