"""The diary's month calendar and its totals as plain data: which month a ``?month=`` asks for,
the weeks (Monday first) that show it, each day with its entries, how heavy a run's legs were in
words, and the rows of the totals page.

No Django and no queries: the views fetch the entries and the totals summed in the database (a
fixed number of queries however long the diary) and hand them to `build_month` and
`totals_rows`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from legs import formats

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST_MONTH = date(1900, 1, 1)  # the diary's earliest date (models.diary.EARLIEST_DATE)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarRun(Protocol):
    date: date
    leg_heaviness: int | None


class CalendarCheckIn(Protocol):
    date: date


@dataclass(frozen=True)
class Band:
    """A heaviness band: a CSS class for its colour and the same thing in words."""

    css: str
    words: str


# Our 0-10 scale in four bands; the colour is never the only cue, the words and number go with it.
HEAVINESS_BANDS = (
    (2, Band("light", "light")),
    (4, Band("noticeable", "noticeably heavy")),
    (6, Band("heavy", "heavy")),
    (10, Band("very-heavy", "very heavy")),
)
NOT_NOTED = Band("none", "heaviness not noted")


def heaviness_band(value: float | None) -> Band:
    """0-2 light, 3-4 noticeably heavy, 5-6 heavy (the red flag's 5/10 starts here), 7-10 very
    heavy; None when the run has no heaviness."""
    if value is None:
        return NOT_NOTED
    return next(band for top, band in HEAVINESS_BANDS if value <= top)


@dataclass(frozen=True)
class MonthChoice:
    first: date  # the first day of the month shown
    problem: str = ""  # why the asked-for month was not shown, in words


def choose_month(asked: str | None, today: date) -> MonthChoice:
    """The month ``?month=YYYY-MM`` names; this month (with a reason) for anything else."""
    this_month = today.replace(day=1)
    if not asked:
        return MonthChoice(this_month)
    match = MONTH_PATTERN.match(asked.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return MonthChoice(
            this_month,
            f"“{asked[:20]}” is not a month: use the form 2025-03. Showing this month instead.",
        )
    year, month = int(match.group(1)), int(match.group(2))
    if year < EARLIEST_MONTH.year:
        return MonthChoice(this_month, "The diary starts in 1900. Showing this month instead.")
    first = date(year, month, 1)
    if first > this_month:
        return MonthChoice(
            this_month, "That month has not started yet. Showing this month instead."
        )
    return MonthChoice(first)


def add_months(first: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month starting on `first`."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def grid_bounds(first: date) -> tuple[date, date]:
    """The Monday on or before the 1st and the Sunday on or after the month's last day."""
    last = add_months(first, 1) - timedelta(days=1)
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


@dataclass(frozen=True)
class DayRun:
    run: Any
    band: Band


@dataclass
class Day:
    date: date
    in_month: bool
    is_today: bool
    is_future: bool
    runs: list[DayRun] = field(default_factory=list)
    checkin: Any = None

    @property
    def is_empty(self) -> bool:
        return not self.runs and self.checkin is None


@dataclass
class Week:
    monday: date
    days: list[Day]
    distance: str = ""  # the week's run totals as shown, "" for a week without runs
    time: str = ""
    runs: int = 0
    heaviness: str = ""  # mean heaviness during the week's runs, "4.3/10"
    band: Band = NOT_NOTED


@dataclass
class Month:
    first: date
    weeks: list[Week]
    previous: date | None  # the first day of the month before, None before 1900
    next: date | None  # None for the current month: the future holds no entries
    run_count: int
    checkin_count: int

    @property
    def is_empty(self) -> bool:
        return not self.run_count and not self.checkin_count

    @property
    def name(self) -> str:
        return formats.month(self.first)


def build_month(
    first: date,
    today: date,
    *,
    runs: Iterable[CalendarRun],
    checkins: Iterable[CalendarCheckIn],
    week_totals: dict[date, dict[str, Any]],
    unit: str,
) -> Month:
    """The weeks showing the month that starts on `first`, each day with its runs (oldest first)
    and check-in; `week_totals` are the run totals per Monday (``RunQuerySet.totals("week")``)."""
    start, end = grid_bounds(first)
    runs_by_day: dict[date, list[DayRun]] = defaultdict(list)
    run_count = 0
    for run in runs:
        runs_by_day[run.date].append(DayRun(run, heaviness_band(run.leg_heaviness)))
        run_count += run.date.month == first.month and run.date.year == first.year
    checkin_by_day = {checkin.date: checkin for checkin in checkins}
    checkin_count = sum(
        1 for day in checkin_by_day if day.month == first.month and day.year == first.year
    )
    weeks = []
    monday = start
    while monday <= end:
        days = [
            Day(
                date=day,
                in_month=day.month == first.month,
                is_today=day == today,
                is_future=day > today,
                runs=runs_by_day.get(day, []),
                checkin=checkin_by_day.get(day),
            )
            for day in (monday + timedelta(days=n) for n in range(7))
        ]
        weeks.append(_with_totals(Week(monday, days), week_totals.get(monday), unit))
        monday += timedelta(weeks=1)
    previous = add_months(first, -1)
    following = add_months(first, 1)
    return Month(
        first=first,
        weeks=weeks,
        previous=previous if previous >= EARLIEST_MONTH else None,
        next=following if following <= today else None,
        run_count=run_count,
        checkin_count=checkin_count,
    )


def _with_totals(week: Week, totals: dict[str, Any] | None, unit: str) -> Week:
    if totals and totals.get("runs"):
        week.distance = formats.distance(totals["km"], unit, places=1)
        week.time = formats.duration(totals["time"])
        week.runs = totals["runs"]
        heaviness = _float(totals.get("heaviness"))
        week.heaviness = formats.score(heaviness)
        week.band = heaviness_band(heaviness)
    return week


@dataclass(frozen=True)
class TotalsRow:
    """One week, month or year of the totals page, in the member's unit."""

    start: date
    label: str  # "Week of 3 Mar 2025", "March 2025", "2025"
    calendar_month: date  # the month the calendar shows for this row
    distance: float  # in the member's unit
    distance_text: str  # the same with its unit, "42.2 km"
    time: str
    runs: int
    checkins: int
    run_heaviness: float | None
    waking_heaviness: float | None

    @property
    def run_heaviness_text(self) -> str:
        return formats.score(self.run_heaviness)

    @property
    def waking_heaviness_text(self) -> str:
        return formats.score(self.waking_heaviness)


def _period_label(start: date, period: str) -> str:
    if period == "week":
        return f"Week of {formats.day(start, weekday=False)}"
    return formats.month(start) if period == "month" else str(start.year)


def totals_rows(
    period: str,
    run_totals: dict[date, dict[str, Any]],
    checkin_totals: dict[date, dict[str, Any]],
    unit: str,
) -> list[TotalsRow]:
    """A row per period with any entry, newest first, from the run and check-in totals
    (``DiaryQuerySet.totals``) keyed by the period's first day."""
    rows = []
    for start in sorted(run_totals.keys() | checkin_totals.keys(), reverse=True):
        runs, checkins = run_totals.get(start, {}), checkin_totals.get(start, {})
        rows.append(
            TotalsRow(
                start=start,
                label=_period_label(start, period),
                calendar_month=start.replace(day=1) if period != "year" else start,
                distance=formats.km_to(runs.get("km") or 0, unit),
                distance_text=formats.distance(runs.get("km") or 0, unit, places=1),
                time=formats.duration(runs.get("time")) if runs.get("time") else "",
                runs=runs.get("runs", 0),
                checkins=checkins.get("checkins", 0),
                run_heaviness=_float(runs.get("heaviness")),
                waking_heaviness=_float(checkins.get("heaviness")),
            )
        )
    return rows


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
