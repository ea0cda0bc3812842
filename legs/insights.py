"""The diary's insight rules: plain functions of a member's runs and check-ins.

No Django in here. Entries are duck-typed (model instances, dataclasses or SimpleNamespaces):

- a run has ``date``, ``distance_km`` (Decimal or float), ``duration`` (timedelta), ``kind``
  ("easy", "long", "intervals", "tempo", "race", "recovery"), ``rpe`` (0-10, or None on an
  imported run not rated yet), ``leg_heaviness`` (0-10 or None), ``warm_up_minutes``,
  ``cool_down_minutes``, ``stretched_after``, ``avg_cadence`` (steps a minute, or None);
- a check-in has ``date``, ``sleep_hours``, ``leg_heaviness`` (0-10, on waking), ``rest_day``.

Inputs may come in any order and may be empty. ``build_insights`` runs every rule and returns the
insights that apply, most severe first. Every rule is ``rule_xxx(*, runs, checkins, today)`` and
returns one ``Insight`` or ``None``; its thresholds are the module-level constants below. The
rules that quote distances (``DISTANCE_RULES``) also take ``unit`` ("km" or "mi", default "km"),
so a member who prefers miles reads miles.

Window: no rule looks further back than ``WINDOW_DAYS`` (84 days = 12 weeks, the span of the
diary charts), so the views fetch only entries with ``date > today - WINDOW_DAYS``. The deepest
look-backs are the comparisons (the whole window), the long-run jump (7 + 30 days) and the
workload ratio (28 days). Entries dated after ``today`` are ignored.

Definitions used throughout:

- "The last 7 days" is today and the 6 days before it (0-6 days ago); "the week before" is
  7-13 days ago; "two weeks before" is 14-20 days ago.
- Session load = RPE x minutes (Foster's session-RPE). A day's load is the sum of its runs' loads;
  a day without runs has load 0. A run without an effort rating (imported, not rated yet) has no
  load we can know: the load rules leave it out and say how many runs they left out, as the
  heaviness rules do for runs without a heaviness. Nothing is guessed.
- A rest day is a day with no run, or a day whose check-in says ``rest_day`` (a walk logged as a
  run on a rest day still counts as rest). A running day is any other day.
- Until today is over, a today without a run does not end a running streak: the streak is counted
  up to yesterday. A check-in marking today as a rest day does end it.
- Heaviness of a day is the mean of that day's values (runs' heaviness during the run and the
  check-in's heaviness on waking); the red flag uses the day's highest value instead, to err on the
  side of safety.

Wording: every text is a suggestion with its reason, and says a pattern is "associated with"
something; it never claims one thing causes another.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Protocol, TypeVar

from legs import formats

# Tip slugs in the catalogue (fixtures/catalogue.json) that each insight links to.
TIP_WARM_UP = "warm-up-for-ten-minutes"
TIP_COOL_DOWN = "cool-down-after-each-run"
TIP_AVOID_OVERTRAINING = "avoid-overtraining"
TIP_SLEEP = "get-enough-sleep"
TIP_IRON = "check-your-iron-levels"
TIP_WATER = "drink-enough-water"
TIP_REST_DAYS = "adjust-your-route"
TIP_FORM = "improve-your-running-form"
TIP_SLUGS = (
    TIP_WARM_UP,
    TIP_COOL_DOWN,
    TIP_AVOID_OVERTRAINING,
    TIP_SLEEP,
    TIP_IRON,
    TIP_WATER,
    TIP_REST_DAYS,
    TIP_FORM,
)

# How far back any rule looks; the views fetch entries with date > today - WINDOW_DAYS.
WINDOW_DAYS = 84  # 12 weeks, the span of the diary charts

# Distance progression.
WEEKLY_INCREASE_NOTE = 0.10  # the "10% rule": a common guideline, weak evidence
TWO_WEEK_INCREASE_WARNING = 0.30  # Nielsen et al. 2014: > 30% over two weeks, more injuries
LONG_RUN_JUMP = 0.10  # Frandsen et al. 2025 (BJSM): one run > 10% over the 30-day longest
LONG_RUN_LOOKBACK_DAYS = 30  # same study: the longest run of the previous 30 days
LONG_RUN_RECENT_DAYS = 7  # our choice: only runs of the last week can trigger the jump warning

# Workload.
ACWR_SWEET_SPOT = (0.8, 1.3)  # Gabbett 2016, acute:chronic workload ratio sweet spot
ACWR_WARNING = 1.5  # Gabbett 2016 "danger zone"; the ratio itself is debated (Impellizzeri 2020)
ACWR_MIN_SPAN_DAYS = 28  # the chronic load needs four full weeks of diary
MONOTONY_WARNING = 2.0  # Foster 1998: weekly monotony above 2.0 associated with illness
LOAD_RISE = 0.10  # our choice: a week's load "went up" when it rose more than 10%

# Rest.
RUNNING_STREAK_WARNING = 6  # our choice: at least one rest day a week (A.Vogel tip 2)
LONG_RUN_PAIR_RECENT_DAYS = 14  # our choice: old long-run pairs stop warning after two weeks

# Sleep.
SLEEP_TARGET_HOURS = 7  # Run With Caroline: most athletes need 7-9 hours
MIN_SLEEP_NIGHTS = 3  # our choice: an average of fewer nights says little

# Habits.
WARM_UP_MINUTES = 10  # A.Vogel tip 1: warm up for at least ten minutes
COOL_DOWN_MINUTES = 5  # our choice: a few minutes of easy jogging or walking
HABIT_WINDOW_DAYS = 28  # our choice: habits over the last four weeks
MIN_RUNS_FOR_SHARE = 3  # our choice: a share of fewer runs says little
HABIT_SHARE_GOOD = 0.8  # our choice: four runs in five is a habit

# Heaviness.
HEAVINESS_RED_FLAG = 5  # spec: heaviness 5/10 or more that lasts through rest
HEAVINESS_RED_FLAG_DAYS = 14  # spec: for 14 days
HEAVINESS_RED_FLAG_MIN_LOGGED_DAYS = 10  # our choice: entries on at least 10 of those 14 days
HEAVINESS_TREND_MIN_DAYS = 3  # our choice: days with entries needed in each week of the trend
HEAVINESS_DIFFERENCE = 1.0  # our choice: a difference under 1 point on 0-10 is noise

# Cadence (steps a minute, both feet).
CADENCE_LOW = 160  # our choice: well below the 170-180 many coached runners land at
# Heiderscheit et al. 2011: 5-10 % more steps a minute at the same pace eased hip and knee load.
CADENCE_STEP_UP = 0.05
MIN_RUNS_WITH_CADENCE = 3  # our choice: as for the habit shares

# "Your heavy-leg days usually follow..." comparisons.
MIN_ENTRIES_PER_SIDE = 5  # our choice: entries needed on each side before comparing
# Our choice: a week above 1.3 x the median 7-day load of the 12-week window (1.3 echoes the top
# of the workload ratio's sweet spot, but the yardstick differs: the ratio divides by the mean
# week of the last 4 weeks, so both are named wherever they are shown).
HIGH_LOAD_FACTOR = 1.3

# Float sums of Decimal distances drift (22.0 / 20.0 - 1 == 0.10000000000000009): a rule that
# fires "above 10%" must stay quiet at exactly 10%.
_TOLERANCE = 1e-9


class Level(StrEnum):
    RED_FLAG = "red_flag"
    WARNING = "warning"
    NOTE = "note"
    GOOD = "good"


SEVERITY = (Level.RED_FLAG, Level.WARNING, Level.NOTE, Level.GOOD)


@dataclass(frozen=True)
class Insight:
    key: str  # stable id of the rule
    level: Level
    title: str
    text: str  # plain words, numbers with their meaning, "associated with", never "causes"
    tip_slug: str | None = None
    basis: str = ""  # what the insight rests on, e.g. "Based on 9 runs over the last 14 days."


class RunLike(Protocol):
    date: date
    distance_km: Decimal | float
    duration: timedelta
    kind: str
    rpe: int | None
    leg_heaviness: int | None
    warm_up_minutes: int
    cool_down_minutes: int
    stretched_after: bool
    avg_cadence: int | None


class CheckInLike(Protocol):
    date: date
    sleep_hours: Decimal | float
    leg_heaviness: int
    rest_day: bool


_Entry = TypeVar("_Entry", RunLike, CheckInLike)
Runs = Iterable[RunLike]
CheckIns = Iterable[CheckInLike]


# Helpers the views and charts reuse.


def session_load(run: RunLike) -> float:
    """Foster's session load: RPE (0-10) x minutes; 0 for a run not rated (left out)."""
    if run.rpe is None:
        return 0.0
    return float(run.rpe) * run.duration.total_seconds() / 60


def daily_loads(runs: Runs, start: date, end: date) -> dict[date, float]:
    """Load of every day from start to end inclusive, in date order; days without runs are 0."""
    loads = dict.fromkeys(_days(start, end), 0.0)
    for run in runs:
        if run.date in loads:
            loads[run.date] += session_load(run)
    return loads


def acwr(runs: Runs, today: date) -> float | None:
    """Acute:chronic workload ratio: the last 7 days' load / the mean weekly load of 28 days.

    The 28 days include the last 7 (the "coupled" ratio). None until the runs span at least
    ACWR_MIN_SPAN_DAYS (a run on or before today - 27, within WINDOW_DAYS of today), or when
    there is no load at all.
    """
    return acwr_series(runs, [today])[0]


def acwr_series(runs: Runs, days: Sequence[date]) -> list[float | None]:
    """``acwr(runs, day)`` for each of `days`, reading the runs once (a chart over a whole
    diary plots hundreds of days)."""
    runs = list(runs)
    if not runs or not days:
        return [None] * len(days)
    dates = sorted(run.date for run in runs)
    loads = daily_loads(runs, min(days) - timedelta(ACWR_MIN_SPAN_DAYS - 1), max(days))
    ratios: list[float | None] = []
    for day in days:
        first = bisect.bisect_left(dates, day - timedelta(WINDOW_DAYS - 1))
        if first == len(dates) or dates[first] > day - timedelta(ACWR_MIN_SPAN_DAYS - 1):
            ratios.append(None)
            continue
        month = [loads[day - timedelta(n)] for n in range(ACWR_MIN_SPAN_DAYS - 1, -1, -1)]
        chronic = sum(month) / (ACWR_MIN_SPAN_DAYS / 7)
        ratios.append(sum(month[-7:]) / chronic if chronic > 0 else None)
    return ratios


def monotony(runs: Runs, today: date) -> float | None:
    """Foster's training monotony over the last 7 days: mean daily load / its standard deviation.

    Rest days count as 0; the population standard deviation is used. None without any load.
    The same load on all 7 days (deviation 0) is as monotonous as training gets: math.inf.
    """
    loads = list(daily_loads(runs, today - timedelta(6), today).values())
    mean = statistics.fmean(loads)
    if mean <= 0:
        return None
    deviation = statistics.pstdev(loads)
    if deviation <= _TOLERANCE:
        return math.inf
    return mean / deviation


def rest_days(runs: Runs, checkins: CheckIns, start: date, end: date) -> set[date]:
    """Days from start to end inclusive with no run, or whose check-in says rest_day."""
    run_days = {run.date for run in runs}
    marked = {checkin.date for checkin in checkins if checkin.rest_day}
    return {day for day in _days(start, end) if day not in run_days or day in marked}


def running_streak(runs: Runs, checkins: CheckIns, today: date) -> int:
    """Running days in a row since the last rest day (at most WINDOW_DAYS).

    Today without a run is not over yet, so the streak then counts up to yesterday; a check-in
    marking today as a rest day ends it.
    """
    runs, checkins = list(runs), list(checkins)
    start = today - timedelta(WINDOW_DAYS - 1)
    rest = rest_days(runs, checkins, start, today)
    day = today
    if today in rest:
        if any(checkin.date == today and checkin.rest_day for checkin in checkins):
            return 0
        day = today - timedelta(1)
    streak = 0
    while day >= start and day not in rest:
        streak += 1
        day -= timedelta(1)
    return streak


# Rules.


def rule_weekly_distance_increase(
    *, runs: Runs, checkins: CheckIns, today: date, unit: str = "km"
) -> Insight | None:
    """Note when the last 7 days' distance is more than 10% above the week before's."""
    runs = list(runs)
    now = _distance(runs, today - timedelta(6), today)
    before = _distance(runs, today - timedelta(13), today - timedelta(7))
    change = _change(now, before)
    if change is None or not _exceeds(change, WEEKLY_INCREASE_NOTE):
        return None
    count = len(_between(runs, today - timedelta(13), today))
    return Insight(
        key="weekly_distance_increase",
        level=Level.NOTE,
        title="Distance up this week",
        text=(
            f"You ran {formats.distance(now, unit, places=1)} in the last 7 days, {change:.0%} "
            f"more than the {formats.distance(before, unit, places=1)} of the week before. A "
            "common guideline says to add no more than about 10% a week; the evidence for that "
            "exact number is weak, but quick rises in distance are associated with heavier legs. "
            "You might keep next week about the same."
        ),
        tip_slug=TIP_AVOID_OVERTRAINING,
        basis=f"Based on {formats.plural(count, 'run')} over the last 14 days.",
    )


def rule_two_week_distance_increase(
    *, runs: Runs, checkins: CheckIns, today: date, unit: str = "km"
) -> Insight | None:
    """Warn when the last 7 days' distance is more than 30% above that of 14-20 days ago."""
    runs = list(runs)
    now = _distance(runs, today - timedelta(6), today)
    before = _distance(runs, today - timedelta(20), today - timedelta(14))
    change = _change(now, before)
    if change is None or not _exceeds(change, TWO_WEEK_INCREASE_WARNING):
        return None
    count = len(_between(runs, today - timedelta(20), today))
    return Insight(
        key="two_week_distance_increase",
        level=Level.WARNING,
        title="Big jump in distance over two weeks",
        text=(
            f"You ran {formats.distance(now, unit, places=1)} in the last 7 days, {change:.0%} "
            f"more than the {formats.distance(before, unit, places=1)} you ran two weeks "
            "earlier (14 to 20 days ago). In a study of new runners, rises of more than 30% over "
            "two weeks were associated with more running injuries. Consider holding your "
            "distance steady for a week or two."
        ),
        tip_slug=TIP_AVOID_OVERTRAINING,
        basis=f"Based on {formats.plural(count, 'run')} over the last 21 days.",
    )


def rule_long_run_jump(
    *, runs: Runs, checkins: CheckIns, today: date, unit: str = "km"
) -> Insight | None:
    """Warn when a run of the last 7 days was more than 10% longer than the longest run of the
    30 days before it (the most recent such run is reported)."""
    runs = list(runs)
    recent = _between(runs, today - timedelta(LONG_RUN_RECENT_DAYS - 1), today)
    for run in sorted(recent, key=lambda r: (r.date, _km(r)), reverse=True):
        earlier = _between(
            runs, run.date - timedelta(LONG_RUN_LOOKBACK_DAYS), run.date - timedelta(1)
        )
        longest = max((_km(r) for r in earlier), default=0.0)
        change = _change(_km(run), longest)
        if change is not None and _exceeds(change, LONG_RUN_JUMP):
            return Insight(
                key="long_run_jump",
                level=Level.WARNING,
                title="A much longer run than usual",
                text=(
                    f"Your {formats.distance(_km(run), unit, places=1)} run on "
                    f"{formats.day(run.date, year=False)} was "
                    f"{change:.0%} longer than your longest run in the 30 days before it "
                    f"({formats.distance(longest, unit, places=1)}). A single run "
                    "more than 10% longer than your recent longest is associated with a higher "
                    "risk of injury. You might build up your longest run more gradually."
                ),
                tip_slug=TIP_REST_DAYS,
                basis=f"Based on {formats.plural(len(earlier) + 1, 'run')} over 31 days.",
            )
    return None


def rule_workload_ratio(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """The acute:chronic workload ratio, once the diary spans 28 days: a warning above 1.5,
    a note between 1.3 and 1.5 or below 0.8, and a good sign in the 0.8-1.3 sweet spot."""
    runs = list(runs)
    ratio = acwr(runs, today)
    if ratio is None:
        return None
    low, high = ACWR_SWEET_SPOT
    said = (
        f"Your workload ratio is {ratio:.2f}: your training load over the last 7 days "
        f"(effort × minutes) is {ratio:.2f} times your average week over the last 4 weeks."
    )
    if _exceeds(ratio, ACWR_WARNING):
        level, title = Level.WARNING, "Training load rising fast"
        reason = (
            "A ratio above 1.5 is associated with more injuries in studies of athletes (how "
            "strong that link is, is debated). An easier few days might help your legs catch up."
        )
    elif _exceeds(ratio, high):
        level, title = Level.NOTE, "Training load a little high"
        reason = (
            "That is a little above the 0.8 to 1.3 range often called the sweet spot, where "
            "training is associated with fewer injuries. You might hold your load steady."
        )
    elif _exceeds(low, ratio):
        level, title = Level.NOTE, "A lighter week than usual"
        reason = (
            "That is below 0.8: lighter than usual, which is fine for a recovery week. A sudden "
            "jump back up is what is associated with heavy legs and injuries, so build back "
            "gradually."
        )
    else:
        level, title = Level.GOOD, "Training load in the sweet spot"
        reason = (
            "That is inside the 0.8 to 1.3 range often called the sweet spot, where training is "
            "associated with fewer injuries."
        )
    recent = _between(runs, today - timedelta(ACWR_MIN_SPAN_DAYS - 1), today)
    return Insight(
        key="workload_ratio",
        level=level,
        title=title,
        text=f"{said} {reason}",
        tip_slug=TIP_AVOID_OVERTRAINING,
        basis=f"Based on {formats.plural(len(recent), 'run')} over the last 28 days."
        + _left_out(recent, "rpe"),
    )


def rule_running_streak(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Warn at 6 or more running days in a row (days since the last rest day)."""
    streak = running_streak(runs, checkins, today)
    if streak < RUNNING_STREAK_WARNING:
        return None
    return Insight(
        key="running_streak",
        level=Level.WARNING,
        title="No rest day for a while",
        text=(
            f"You have run {streak} days in a row without a rest day. Running "
            f"{RUNNING_STREAK_WARNING} or more days in a row is associated with tiredness "
            "building up in the legs over several days. A rest day, or an easy day off your "
            "feet, might help your legs feel lighter."
        ),
        tip_slug=TIP_REST_DAYS,
        basis=f"Based on your runs and check-ins over the last {streak + 1} days.",
    )


def rule_long_runs_without_rest(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Warn when two long runs had no rest day between them, the later one within 14 days."""
    runs, checkins = list(runs), list(checkins)
    start = today - timedelta(WINDOW_DAYS - 1)
    longs = sorted((r for r in _between(runs, start, today) if r.kind == "long"), key=_date)
    rest = rest_days(runs, checkins, start, today)
    recent_start = today - timedelta(LONG_RUN_PAIR_RECENT_DAYS - 1)
    for first, second in reversed(list(pairwise(longs))):
        if second.date < recent_start:
            break
        between = _days(first.date + timedelta(1), second.date - timedelta(1))
        if any(day in rest for day in between):
            continue
        if first.date == second.date:
            when = f"Your two long runs on {formats.day(second.date, year=False)} had"
        else:
            first_day = formats.day(first.date, year=False)
            when = f"Your long runs on {first_day} and {formats.day(second.date, year=False)} had"
        return Insight(
            key="long_runs_without_rest",
            level=Level.WARNING,
            title="Two long runs without a rest day",
            text=(
                f"{when} no rest day between them. Long runs with no rest between are associated "
                "with tiredness building up in the legs over several days; a rest day between "
                "long runs might help them recover."
            ),
            tip_slug=TIP_REST_DAYS,
            basis=f"Based on {formats.plural(len(between) + 2, 'day')} of your diary.",
        )
    return None


def rule_monotony(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Warn when the last 7 days' training monotony is above 2.0."""
    runs = list(runs)
    value = monotony(runs, today)
    if value is None or not (math.isinf(value) or _exceeds(value, MONOTONY_WARNING)):
        return None
    if math.isinf(value):
        said = (
            "Every one of the last 7 days had the same training load, with no easier or rest day: "
            "training monotony is as high as it gets."
        )
    else:
        said = (
            f"Your training monotony over the last 7 days is {value:.1f}: your days have been "
            "very alike, with little difference between hard days and easy or rest days."
        )
    recent = _between(runs, today - timedelta(6), today)
    return Insight(
        key="monotony",
        level=Level.WARNING,
        title="Little variety in your week",
        text=(
            f"{said} Monotony above 2.0 is associated with more illness and staleness, "
            "especially when the load is high. Mixing in easier days or a rest day might help."
        ),
        tip_slug=TIP_AVOID_OVERTRAINING,
        basis=f"Based on {formats.plural(len(recent), 'run')} over the last 7 days."
        + _left_out(recent, "rpe"),
    )


def rule_sleep_average(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Note when the last 7 nights average under 7 hours of sleep; a good sign at 7 or more."""
    hours = [
        float(c.sleep_hours)
        for c in _between(checkins, today - timedelta(6), today)
        if c.sleep_hours is not None
    ]
    if len(hours) < MIN_SLEEP_NIGHTS:
        return None
    average = statistics.fmean(hours)
    said = f"You slept {average:.1f} hours a night on average over the last 7 days"
    basis = f"Based on {formats.plural(len(hours), 'check-in')} over the last 7 days."
    if _exceeds(SLEEP_TARGET_HOURS, average):
        return Insight(
            key="sleep_average",
            level=Level.NOTE,
            title="Short on sleep",
            text=(
                f"{said}, under the 7 hours most athletes need. Short sleep is associated with "
                "tired, heavy legs; an earlier night or a short afternoon nap might help."
            ),
            tip_slug=TIP_SLEEP,
            basis=basis,
        )
    return Insight(
        key="sleep_average",
        level=Level.GOOD,
        title="Sleeping enough",
        text=(
            f"{said}, at or above the 7 hours most athletes need. Enough sleep is associated "
            "with better recovery."
        ),
        tip_slug=TIP_SLEEP,
        basis=basis,
    )


def rule_warm_up_share(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Share of the last 28 days' runs with a warm-up of 10 minutes or more."""
    return _habit_share(
        runs,
        today,
        key="warm_up_share",
        done=lambda run: (run.warm_up_minutes or 0) >= WARM_UP_MINUTES,
        what=f"started with a warm-up of at least {WARM_UP_MINUTES} minutes",
        good_title="Warming up well",
        note_title="Warm up before more runs",
        reason="Warming up is associated with better blood flow to the legs and easier first "
        "kilometres",
        suggestion="You might start with a few minutes of brisk walking and easy jogging.",
        tip_slug=TIP_WARM_UP,
    )


def rule_cool_down_share(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Share of the last 28 days' runs ending with a cool-down of 5 minutes or more or a stretch."""
    return _habit_share(
        runs,
        today,
        key="cool_down_share",
        done=lambda run: (
            (run.cool_down_minutes or 0) >= COOL_DOWN_MINUTES or bool(run.stretched_after)
        ),
        what=f"ended with a cool-down of at least {COOL_DOWN_MINUTES} minutes or a stretch",
        good_title="Cooling down well",
        note_title="Try a cool-down or stretch",
        reason="Cooling down and stretching are associated with less stiff, heavy legs the "
        "next day",
        suggestion="You might finish with a few minutes of walking and a gentle stretch.",
        tip_slug=TIP_COOL_DOWN,
    )


def rule_heaviness_trend(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Heaviness over the last 14 days against load: this week's average heaviness against the
    week before, read together with the change in training load. Silent under 1 point."""
    runs, checkins = list(runs), list(checkins)
    now_start, before_start = today - timedelta(6), today - timedelta(13)
    now = _heaviness_by_day(runs, checkins, now_start, today)
    before = _heaviness_by_day(runs, checkins, before_start, now_start - timedelta(1))
    if min(len(now), len(before)) < HEAVINESS_TREND_MIN_DAYS:
        return None
    heavy_now, heavy_before = statistics.fmean(now.values()), statistics.fmean(before.values())
    difference = heavy_now - heavy_before
    load_now = sum(daily_loads(runs, now_start, today).values())
    load_before = sum(daily_loads(runs, before_start, now_start - timedelta(1)).values())
    load_change = _change(load_now, load_before)
    said = (
        f"{heavy_now:.1f}/10 on average over the last 7 days, against {heavy_before:.1f}/10 "
        "the week before"
    )
    fortnight = _between(runs, before_start, today)
    basis = (
        f"Based on {formats.plural(len(now) + len(before), 'day')} with entries over the last "
        "14 days." + _left_out(fortnight, "leg_heaviness") + _left_out(fortnight, "rpe")
    )
    if _at_least(difference, HEAVINESS_DIFFERENCE):
        load_rose = load_now > 0 and (load_change is None or _exceeds(load_change, LOAD_RISE))
        if load_rose:
            how_much = "" if load_change is None else f" {load_change:.0%}"
            return Insight(
                key="heaviness_trend",
                level=Level.NOTE,
                title="Legs heavier as training went up",
                text=(
                    f"Your legs have felt heavier: {said}, while your training load (effort × "
                    f"minutes) went up{how_much}. Heavier legs are associated with a rise in "
                    "training; an easier few days might help."
                ),
                tip_slug=TIP_AVOID_OVERTRAINING,
                basis=basis,
            )
        return Insight(
            key="heaviness_trend",
            level=Level.NOTE,
            title="Legs heavier without more training",
            text=(
                f"Your legs have felt heavier: {said}, though your training load did not go up "
                "much. Heavy legs without extra training are associated with not drinking enough, "
                "short sleep, low iron or a coming cold; your water and sleep are worth a look "
                "first."
            ),
            tip_slug=TIP_WATER,
            basis=basis,
        )
    if _at_least(-difference, HEAVINESS_DIFFERENCE):
        return Insight(
            key="heaviness_trend",
            level=Level.GOOD,
            title="Legs feeling lighter",
            text=f"Your legs have felt lighter: {said}. Whatever you changed seems to suit you.",
            tip_slug=None,
            basis=basis,
        )
    return None


def rule_heaviness_red_flag(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Red flag: heaviness of 5/10 or more on every day with an entry over the last 14 days,
    with entries on at least 10 of those days and at least one rest day among them.

    A day counts as heavy when any of its entries (waking or during a run) is 5 or more, and a
    day without a run counts as rest (today included): a false alarm here costs a check-up,
    a missed one costs more.
    """
    runs, checkins = list(runs), list(checkins)
    start = today - timedelta(HEAVINESS_RED_FLAG_DAYS - 1)
    heaviest = _heaviness_by_day(runs, checkins, start, today, combine=max)
    if len(heaviest) < HEAVINESS_RED_FLAG_MIN_LOGGED_DAYS:
        return None
    if any(value < HEAVINESS_RED_FLAG for value in heaviest.values()):
        return None
    rested = len(rest_days(runs, checkins, start, today))
    if rested == 0:
        return None
    return Insight(
        key="heaviness_red_flag",
        level=Level.RED_FLAG,
        title="Heavy legs despite rest: get them checked",
        text=(
            f"Your legs have felt heavy ({HEAVINESS_RED_FLAG}/10 or more) on all "
            f"{len(heaviest)} days you logged in the last {HEAVINESS_RED_FLAG_DAYS} (each day "
            "counted by its heaviest entry, on waking or during a run), even with "
            f"{formats.plural(rested, 'rest day')}. Heaviness that stays through rest is "
            "associated with things rest alone may not fix, such as low iron, an injury or a "
            "lingering illness. Please see a physiotherapist or your doctor, and ask them to "
            "check your iron levels."
        ),
        tip_slug=TIP_IRON,
        basis=f"Based on {len(heaviest)} days with entries over the last 14 days.",
    )


def rule_heavy_after_short_sleep(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Waking heaviness after nights under 7 hours against nights of 7 hours or more."""
    short: list[float] = []
    enough: list[float] = []
    for checkin in _between(checkins, today - timedelta(WINDOW_DAYS - 1), today):
        if checkin.sleep_hours is None or checkin.leg_heaviness is None:
            continue
        side = short if _exceeds(SLEEP_TARGET_HOURS, float(checkin.sleep_hours)) else enough
        side.append(float(checkin.leg_heaviness))
    return _comparison(
        short,
        enough,
        key="heavy_after_short_sleep",
        title="Heavy-leg days follow short nights",
        lead="Your heavy-leg days usually follow short nights",
        heavier_when=f"after under {SLEEP_TARGET_HOURS} hours of sleep",
        lighter_when=f"after {SLEEP_TARGET_HOURS} hours or more",
        unit="morning",
        link="short sleep is associated with heavier legs",
        tip_slug=TIP_SLEEP,
    )


def rule_heavy_without_warm_up(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Run heaviness without a 10-minute warm-up against runs with one."""
    without: list[float] = []
    with_: list[float] = []
    window = _between(runs, today - timedelta(WINDOW_DAYS - 1), today)
    for run in window:
        if run.leg_heaviness is None:
            continue
        side = with_ if (run.warm_up_minutes or 0) >= WARM_UP_MINUTES else without
        side.append(float(run.leg_heaviness))
    return _comparison(
        without,
        with_,
        key="heavy_without_warm_up",
        title="Heavy-leg runs skip the warm-up",
        lead="Your heavy-leg runs are usually the ones without a warm-up",
        heavier_when=f"on runs with less than {WARM_UP_MINUTES} minutes of warm-up",
        lighter_when=f"on runs with {WARM_UP_MINUTES} minutes or more",
        unit="run",
        link="skipping the warm-up is associated with heavier legs",
        tip_slug=TIP_WARM_UP,
        left_out=_left_out(window, "leg_heaviness"),
    )


def rule_heavy_after_high_load(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Heaviness on days after a high-load week against days after a normal week.

    A day's "week before" is the 7 days before it. It is high-load when its load is more than
    1.3 x the member's median of those 7-day loads over the window. Only days with a full week of
    diary before them count (from the first entry + 7 days); a day's heaviness is the mean of
    its entries.
    """
    runs, checkins = list(runs), list(checkins)
    window_start = today - timedelta(WINDOW_DAYS - 1)
    dates = [e.date for e in (*runs, *checkins) if window_start <= e.date <= today]
    if not dates:
        return None
    first_day = min(dates) + timedelta(7)
    if first_day > today:
        return None
    loads = daily_loads(runs, window_start, today)
    week_before = {
        day: sum(loads[day - timedelta(n)] for n in range(1, 8)) for day in _days(first_day, today)
    }
    median = statistics.median(week_before.values())
    if median <= 0:
        return None
    heaviness = _heaviness_by_day(runs, checkins, first_day, today)
    high: list[float] = []
    normal: list[float] = []
    for day, value in heaviness.items():
        side = high if _exceeds(week_before[day], HIGH_LOAD_FACTOR * median) else normal
        side.append(value)
    return _comparison(
        high,
        normal,
        key="heavy_after_high_load",
        title="Heavy-leg days follow hard weeks",
        lead="Your heavy-leg days usually follow a hard week",
        heavier_when=(
            f"after a week with more than {HIGH_LOAD_FACTOR:g} times the load of your median "
            f"week over the last {WINDOW_DAYS // 7} weeks"
        ),
        lighter_when="after other weeks",
        unit="day",
        link=(
            "a hard week is associated with heavier legs (this measures a week against your "
            "median week over 12 weeks; the workload ratio measures it against your average "
            "week over the last 4)"
        ),
        tip_slug=TIP_AVOID_OVERTRAINING,
        left_out=_left_out(_between(runs, window_start, today), "rpe"),
    )


def rule_cadence(*, runs: Runs, checkins: CheckIns, today: date) -> Insight | None:
    """Average cadence of the last 28 days' runs that have one (imported from a watch): a note
    below CADENCE_LOW steps a minute, with Run With Caroline's form tip."""
    recent = _between(runs, today - timedelta(HABIT_WINDOW_DAYS - 1), today)
    cadences = [run.avg_cadence for run in recent if run.avg_cadence]
    if len(cadences) < MIN_RUNS_WITH_CADENCE:
        return None
    average = statistics.fmean(cadences)
    if average >= CADENCE_LOW:
        return None
    target = round(average * (1 + CADENCE_STEP_UP))
    without = len(recent) - len(cadences)
    return Insight(
        key="cadence",
        level=Level.NOTE,
        title="Quick steps, don't bounce",
        text=(
            f"Your runs of the last 4 weeks averaged {average:.0f} steps a minute. Slow, long "
            "strides with a lot of bounce are associated with more stress on the legs, and "
            "with legs that tire and feel heavy. You might try quicker, lighter steps at the "
            f"same pace, about 5% more (around {target} a minute), on an easy run: in a study "
            "of runners, 5 to 10% more steps a minute eased the load on hips and knees."
        ),
        tip_slug=TIP_FORM,
        basis=f"Based on the cadence your watch recorded on {formats.plural(len(cadences), 'run')}"
        " over the last 28 days"
        + (f" ({formats.plural(without, 'run')} without one)." if without else "."),
    )


RULES: Sequence[Callable[..., Insight | None]] = (
    rule_heaviness_red_flag,
    rule_two_week_distance_increase,
    rule_long_run_jump,
    rule_workload_ratio,
    rule_running_streak,
    rule_long_runs_without_rest,
    rule_monotony,
    rule_weekly_distance_increase,
    rule_heaviness_trend,
    rule_sleep_average,
    rule_heavy_after_short_sleep,
    rule_heavy_without_warm_up,
    rule_heavy_after_high_load,
    rule_warm_up_share,
    rule_cool_down_share,
    rule_cadence,
)


DISTANCE_RULES = frozenset(
    {rule_weekly_distance_increase, rule_two_week_distance_increase, rule_long_run_jump}
)


def build_insights(
    *, runs: Runs, checkins: CheckIns, today: date, unit: str = "km"
) -> list[Insight]:
    """Run every rule; return the insights that apply, most severe first (then in RULES order).

    `unit` ("km" or "mi") is the member's preferred unit for the distances quoted in the text.
    """
    runs = [run for run in runs if run.date <= today]
    checkins = [checkin for checkin in checkins if checkin.date <= today]
    found = [
        rule(runs=runs, checkins=checkins, today=today, unit=unit)
        if rule in DISTANCE_RULES
        else rule(runs=runs, checkins=checkins, today=today)
        for rule in RULES
    ]
    return sorted(
        (insight for insight in found if insight is not None),
        key=lambda insight: SEVERITY.index(insight.level),
    )


def this_week(insights: Sequence[Insight]) -> Insight | None:
    """The one thing to try this week: the most severe insight that names a tip, unless all
    that name one say things are going well."""
    return next(
        (insight for insight in insights if insight.tip_slug and insight.level != Level.GOOD),
        None,
    )


# Private helpers.


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def _date(entry: RunLike | CheckInLike) -> date:
    return entry.date


def _between(entries: Iterable[_Entry], start: date, end: date) -> list[_Entry]:
    return [entry for entry in entries if start <= entry.date <= end]


def _km(run: RunLike) -> float:
    return float(run.distance_km or 0)


def _distance(runs: Runs, start: date, end: date) -> float:
    return sum((_km(run) for run in _between(runs, start, end)), 0.0)


def _change(now: float, before: float) -> float | None:
    """Relative change from before to now; None when there is nothing to compare with."""
    if before <= 0:
        return None
    return now / before - 1


def _exceeds(value: float, limit: float) -> bool:
    return value > limit + _TOLERANCE


def _at_least(value: float, limit: float) -> bool:
    return value >= limit - _TOLERANCE


def _heaviness_by_day(
    runs: Runs,
    checkins: CheckIns,
    start: date,
    end: date,
    combine: Callable[[list[float]], float] = statistics.fmean,
) -> dict[date, float]:
    """Each day with a heaviness entry (run or check-in) from start to end, combined."""
    values: dict[date, list[float]] = defaultdict(list)
    for entry in (*runs, *checkins):
        if start <= entry.date <= end and entry.leg_heaviness is not None:
            values[entry.date].append(float(entry.leg_heaviness))
    return {day: combine(day_values) for day, day_values in values.items()}


def _left_out(runs: list[RunLike], rating: str) -> str:
    """The basis's last words when some of ``runs`` lack ``rating`` ("rpe" or
    "leg_heaviness"): how many were left out, and where to rate them."""
    missing = sum(1 for run in runs if getattr(run, rating) is None)
    if not missing:
        return ""
    what = "an effort rating" if rating == "rpe" else "a heaviness rating"
    verb = "is" if missing == 1 else "are"
    return (
        f" {formats.plural(missing, 'run')} without {what} {verb} left out: rate them on "
        "your diary page."
    )


def _habit_share(
    runs: Runs,
    today: date,
    *,
    key: str,
    done: Callable[[RunLike], bool],
    what: str,
    good_title: str,
    note_title: str,
    reason: str,
    suggestion: str,
    tip_slug: str,
) -> Insight | None:
    recent = _between(runs, today - timedelta(HABIT_WINDOW_DAYS - 1), today)
    if len(recent) < MIN_RUNS_FOR_SHARE:
        return None
    kept = sum(1 for run in recent if done(run))
    share = kept / len(recent)
    said = f"{kept} of your {len(recent)} runs in the last 4 weeks ({share:.0%}) {what}."
    good = _at_least(share, HABIT_SHARE_GOOD)
    return Insight(
        key=key,
        level=Level.GOOD if good else Level.NOTE,
        title=good_title if good else note_title,
        text=f"{said} {reason}{'; keep it up.' if good else '. ' + suggestion}",
        tip_slug=tip_slug,
        basis=f"Based on {formats.plural(len(recent), 'run')} over the last 28 days.",
    )


def _comparison(
    heavier_side: list[float],
    lighter_side: list[float],
    *,
    key: str,
    title: str,
    lead: str,
    heavier_when: str,
    lighter_when: str,
    unit: str,
    link: str,
    tip_slug: str,
    left_out: str = "",
) -> Insight | None:
    """A "your heavy-leg days usually follow..." note, when both sides have enough entries and
    the first side is heavier by at least HEAVINESS_DIFFERENCE points; otherwise None.
    ``left_out`` (see ``_left_out``) ends its basis."""
    if min(len(heavier_side), len(lighter_side)) < MIN_ENTRIES_PER_SIDE:
        return None
    heavy, light = statistics.fmean(heavier_side), statistics.fmean(lighter_side)
    if not _at_least(heavy - light, HEAVINESS_DIFFERENCE):
        return None
    return Insight(
        key=key,
        level=Level.NOTE,
        title=title,
        text=(
            f"{lead}: your legs felt {heavy:.1f}/10 heavy on average {heavier_when} "
            f"({formats.plural(len(heavier_side), unit)}), against {light:.1f}/10 {lighter_when} "
            f"({formats.plural(len(lighter_side), unit)}). In your diary, {link}; it is a pattern, "
            "not proof, and worth trying to change."
        ),
        tip_slug=tip_slug,
        basis=(
            f"Based on {formats.plural(len(heavier_side) + len(lighter_side), unit)} "
            f"over the last {WINDOW_DAYS // 7} weeks.{left_out}"
        ),
    )
