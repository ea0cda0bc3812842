"""The diary's charts as data: the series a view aggregates, and the geometry drawn from them.

The tags in ``legs/templatetags/charts.py`` turn a small series (already aggregated by the view)
into a `Chart`: every coordinate and label is computed here as a plain string of digits, and the
tag draws it as inline SVG with ``format_html``, so the charts read without JavaScript. No
member text ever reaches the SVG, only numbers and dates, and format_html escapes everything
anyway. Each chart has a ``<title>`` and ``<desc>``
(its text alternative) and a table of the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from legs import formats
from legs.diary_calendar import add_months
from legs.insights import ACWR_SWEET_SPOT, ACWR_WARNING, SLEEP_TARGET_HOURS

# Drawn into 366 px on a phone, so a unit is 0.57 px there: the text is 20 units under 576 px
# (11.4 px) and less on wider screens (static/css/site.css), and the margins hold that text.
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 68, 68, 20, 64
X_LABELS = 4  # about this many labels along the x axis: each is up to "12 Sep" wide
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
BASELINE = TOP + PLOT_HEIGHT


@dataclass(frozen=True)
class PeriodTotal:
    start: date  # the week's Monday, the month's or the year's first day
    distance: float  # in the member's unit
    run_heaviness: float | None = None  # mean heaviness during the period's runs, 0-10
    waking_heaviness: float | None = None  # mean heaviness on waking (check-ins), 0-10


@dataclass(frozen=True)
class Span:
    """How far back the dashboard's charts look: ``?span=12w``."""

    key: str
    label: str  # the link's text
    title: str  # said in each chart's title, "last 6 months"
    weeks: int | None  # None: the whole diary


SPANS = {
    span.key: span
    for span in (
        Span("12w", "12 weeks", "last 12 weeks", 12),
        Span("6m", "6 months", "last 6 months", 26),
        Span("1y", "1 year", "last year", 52),
        Span("all", "Everything", "whole diary", None),
    )
}
DEFAULT_SPAN = SPANS["12w"]
MAX_BARS = 60  # past this many bars a chart steps up to months, then years
DAILY_RATIO_WEEKS = 12  # longer spans plot the workload ratio once a week


def span_bars(span: Span, today: date, first_day: date | None) -> tuple[str, list[date]]:
    """The period of a span's bars ("week", "month" or "year") and the first day of each, oldest
    first, ending with the one holding today. Weeks for up to a year; the whole diary (from
    `first_day`, its first entry) in months, or years when that would draw over MAX_BARS."""
    monday = today - timedelta(days=today.weekday())
    if span.weeks is not None or first_day is None:
        count = span.weeks or DEFAULT_SPAN.weeks
        return "week", [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    months = (today.year - first_day.year) * 12 + today.month - first_day.month + 1
    if months <= MAX_BARS:
        return "month", [add_months(today.replace(day=1), -n) for n in range(months - 1, -1, -1)]
    return "year", [date(year, 1, 1) for year in range(first_day.year, today.year + 1)]


def recent_months(today: date, first_month: date) -> list[date]:
    """The first day of each month from `first_month` (or MAX_BARS months back, whichever is
    later) to this month."""
    earliest = add_months(today.replace(day=1), 1 - MAX_BARS)
    first = max(first_month, earliest)
    count = (today.year - first.year) * 12 + today.month - first.month + 1
    return [add_months(first, n) for n in range(count)]


def ratio_days(span: Span, today: date, first_day: date | None) -> list[date]:
    """The days the workload ratio is plotted on: every day over 12 weeks, once a week (ending
    today) over longer spans, so a line never carries more than a few hundred points."""
    if span.weeks is not None and span.weeks <= DAILY_RATIO_WEEKS:
        return [today - timedelta(days=n) for n in range(span.weeks * 7 - 1, -1, -1)]
    weeks = span.weeks or ((today - (first_day or today)).days // 7 + 1)
    return [today - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


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


# Per kind of bar: how a bar is named in the axis title, in the table and in the description.
_PERIODS = {
    "week": ("Week starting", "Week starting", "week"),
    "month": ("Month", "Month", "month"),
    "year": ("Year", "Year", "year"),
}


def _period_label(start: date, period: str) -> str:
    if period == "week":
        return _day(start)
    return formats.month(start, short=True) if period == "month" else str(start.year)


def _heaviness_said(total: PeriodTotal) -> str:
    runs, waking = total.run_heaviness, total.waking_heaviness
    if runs is None and waking is None:
        return ", no heaviness logged"
    if waking is None:
        return f", heaviness {runs:.1f} out of 10 during runs"
    if runs is None:
        return f", heaviness {waking:.1f} out of 10 on waking"
    return f", heaviness {runs:.1f} out of 10 during runs and {waking:.1f} on waking"


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def distance_chart(
    totals: Sequence[PeriodTotal],
    unit: str,
    *,
    period: str = "week",
    span_title: str = DEFAULT_SPAN.title,
    key: str = "weekly",
) -> Chart:
    """Distance bars per week, month or year, with two heaviness lines: during runs and on
    waking (check-ins), kept apart because they measure different moments."""
    axis_title, table_title, word = _PERIODS[period]
    chart = Chart(
        key=key,
        title=f"Distance per {word} and leg heaviness, {span_title}",
        description="",
        x_title=axis_title,
        y_title=f"Distance ({unit})",
        y2_title="Heaviness (0-10)",
        table_head=[
            table_title,
            f"Distance ({unit})",
            "Heaviness during runs (0-10)",
            "Heaviness on waking (0-10)",
        ],
    )
    if not any(
        t.distance or t.run_heaviness is not None or t.waking_heaviness is not None for t in totals
    ):
        chart.empty = f"No runs or check-ins in the {span_title} yet: log one to start the chart."
        return chart
    ticks = nice_ticks(max(t.distance for t in totals))
    top_value = ticks[-1]
    chart.y_ticks = [Tick(_n(_y(t, top_value)), _label(t)) for t in ticks]
    chart.y2_ticks = [Tick(_n(_y(t, 10)), _label(t)) for t in range(0, 11, 2)]
    band = PLOT_WIDTH / len(totals)
    label_every = math.ceil(len(totals) / X_LABELS)
    bars, runs_line, waking_line = [], [], []
    for index, total in enumerate(totals):
        centre = LEFT + band * (index + 0.5)
        top = _y(total.distance, top_value)
        label = _period_label(total.start, period)
        bars.append(
            {
                "x": _n(centre - band * 0.3),
                "y": _n(top),
                "width": _n(band * 0.6),
                "height": _n(BASELINE - top),
                "label": (
                    f"{'Week of ' if period == 'week' else ''}{label}: "
                    f"{total.distance:.1f} {unit}{_heaviness_said(total)}"
                ),
            }
        )
        if index % label_every == 0:
            chart.x_ticks.append(Tick(_n(centre), label))
        for line, value in (
            (runs_line, total.run_heaviness),
            (waking_line, total.waking_heaviness),
        ):
            line.append(None if value is None else (centre, _y(value, 10)))
        chart.table_rows.append(
            [
                label,
                f"{total.distance:.1f}",
                _cell(total.run_heaviness),
                _cell(total.waking_heaviness),
            ]
        )

    def points(line: list, values: list[float | None], where: str) -> list[dict[str, str]]:
        return [
            {"cx": _n(xy[0]), "cy": _n(xy[1]), "label": f"{value:.1f}/10 {where}"}
            for xy, value in zip(line, values, strict=True)
            if xy is not None
        ]

    chart.marks = {
        "bars": bars,
        "runs_paths": _segments(runs_line),
        "runs_points": points(runs_line, [t.run_heaviness for t in totals], "during runs"),
        "waking_paths": _segments(waking_line),
        "waking_points": points(waking_line, [t.waking_heaviness for t in totals], "on waking"),
    }
    distance = sum(t.distance for t in totals)
    busiest = max(totals, key=lambda t: t.distance)
    latest = totals[-1]
    chart.description = (
        f"Bars show the distance run each {word}, {distance:.1f} {unit} in all over the "
        f"{span_title}; the busiest {word} {'started' if period == 'week' else 'was'} "
        f"{_period_label(busiest.start, period)} with {busiest.distance:.1f} {unit}. "
        f"This {word} so far: {latest.distance:.1f} {unit}"
        f"{_heaviness_said(latest)}. One line shows the average leg heaviness during runs, "
        "the other on waking (morning check-ins), each on a 0 to 10 scale."
    )
    return chart


def ratio_chart(points: Sequence[RatioPoint], span_title: str = DEFAULT_SPAN.title) -> Chart:
    """The workload ratio on each day (or each week, over long spans) with its sweet spot."""
    low, high = ACWR_SWEET_SPOT
    chart = Chart(
        key="ratio",
        title=f"Workload ratio, {span_title}",
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
    daily = (points[-1].day - points[0].day).days == len(points) - 1
    chart.x_title = "Day" if daily else "Week ending"
    # Daily points are labelled a whole number of weeks apart, weekly ones about 4 times.
    label_every = (
        7 * math.ceil(len(points) / (7 * X_LABELS)) if daily else math.ceil(len(points) / X_LABELS)
    )
    line, marks = [], []
    for index, point in enumerate(points):
        x = LEFT + step * index
        line.append(None if point.ratio is None else (x, _y(point.ratio, top_value)))
        if index % label_every == (len(points) - 1) % label_every:
            chart.x_ticks.append(Tick(_n(x), _day(point.day)))
        if point.ratio is not None:
            chart.table_rows.append([_day(point.day), f"{point.ratio:.2f}"])
            marks.append(
                {
                    "cx": _n(x),
                    "cy": _n(_y(point.ratio, top_value)),
                    "label": f"{_day(point.day)}: ratio {point.ratio:.2f}",
                }
            )
    band_top, band_bottom = _y(high, top_value), _y(low, top_value)
    chart.marks = {
        "band": {
            "y": _n(band_top),
            "height": _n(band_bottom - band_top),
            "label_y": _n(band_top + 20),
            "label": f"Sweet spot {low:g}-{high:g}",
        },
        "warning": {"y": _n(_y(ACWR_WARNING, top_value)), "label": f"{ACWR_WARNING:g}"},
        "paths": _segments(line),
        "points": marks,
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
            f"The line shows your acute to chronic workload ratio "
            f"{'each day' if daily else 'at the end of each week'}: your last 7 days' load "
            "against your average week over the last 4 weeks. The shaded band is "
            f"the {low:g} to {high:g} sweet spot and the dashed line marks {ACWR_WARNING:g}. "
            f"On {_day(point.day)} it was {point.ratio:.2f}, {where}. Values ranged from "
            f"{min(values):.2f} to {max(values):.2f}."
        )
    return chart


def sleep_chart(points: Sequence[SleepPoint], span_title: str = DEFAULT_SPAN.title) -> Chart:
    chart = Chart(
        key="sleep",
        title=f"Sleep and leg heaviness the morning after, {span_title}",
        description="",
        x_title="Hours slept",
        y_title="Heaviness (0-10)",
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
