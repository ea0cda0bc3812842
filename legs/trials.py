"""Try a tip: what "doing it" means for each kind of tip, and whether the legs felt lighter.

Plain functions of a member's runs and check-ins, like ``legs.insights``: no Django, no writes.
Entries are duck-typed (``RunLike`` and ``CheckInLike`` below say what is read).

A trial runs from its start for 7, 14, 21 or 28 days, or until the member stops it. Its result
compares the member's heaviness during the days so far with the same number of days just before
the start, on waking (check-ins) and during runs (each run's own rating), separately: the
counts on each side, the means, the difference, and a two-sided permutation test over the
member's own values. With fewer than ``MIN_ENTRIES`` entries on a side it says it cannot tell.

Wording: a change is "associated with" the trial; a diary of one runner cannot show that a tip
caused it (the weather, a race, an illness or another tip tried at the same time may explain it).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from legs import formats
from legs.insights import (
    COOL_DOWN_MINUTES,
    SLEEP_TARGET_HOURS,
    WARM_UP_MINUTES,
    WEEKLY_INCREASE_NOTE,
    rest_days,
)

LENGTHS = (7, 14, 21, 28)  # days a trial can run
MIN_ENTRIES = 5  # our choice, as insights.MIN_ENTRIES_PER_SIDE: fewer says nothing
# The permutation test's random draws: 2,000 put the estimated p-value within about 0.005 of
# the exact one near 0.05 (the binomial standard error), plenty for "chance or not".
PERMUTATIONS = 2000
CHANCE_LEVEL = 0.05  # the usual two-sided threshold
# The rest rule compares each day's 7 days with the 7 before them, so it reads 13 days back.
REST_LOOKBACK_DAYS = 13
_TOLERANCE = 1e-9  # float sums of Decimal distances drift


class Habit(StrEnum):
    """What doing a tip means, where the diary can see it (a tip's ``trial_habit``)."""

    WARM_UP = "warm_up"
    COOL_DOWN = "cool_down"
    SLEEP = "sleep"
    WATER = "water"
    REST = "rest"
    TICK = "tick"  # nothing the diary records: the runner ticks "done today" on the check-in

    @property
    def label(self) -> str:
        return HABIT_LABELS[self]


HABIT_LABELS = {
    Habit.WARM_UP: f"Runs with a warm-up of {WARM_UP_MINUTES} minutes or more",
    Habit.COOL_DOWN: f"Runs with a cool-down of {COOL_DOWN_MINUTES} minutes or more, or stretches",
    Habit.SLEEP: f"Nights of {SLEEP_TARGET_HOURS} hours' sleep or more, from the check-ins",
    Habit.WATER: "Runs with water taken",
    Habit.REST: "A rest day in every 7 days, and 7-day distance no more than 10 % above the 7 "
    "days before",
    Habit.TICK: "Days ticked “done today” on the check-in",
}


class RunLike(Protocol):
    date: date
    distance_km: Decimal | float
    leg_heaviness: int | None
    warm_up_minutes: int
    cool_down_minutes: int
    stretched_after: bool
    water_ml: int | None


class CheckInLike(Protocol):
    date: date
    sleep_hours: Decimal | float
    leg_heaviness: int
    rest_day: bool
    tip_done: bool


# Days.


@dataclass(frozen=True)
class Span:
    """Days from ``first`` to ``last``, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def days_text(self) -> str:
        """ "14 days", "1 day"."""
        return formats.plural(self.days, "day")

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last

    def before(self) -> Span:
        """The same number of days just before this span."""
        return Span(self.first - timedelta(self.days), self.first - timedelta(1))

    def overlaps(self, other: Span) -> bool:
        return self.first <= other.last and other.first <= self.last


def so_far(*, start: date, last_day: date, stopped_on: date | None, today: date) -> Span:
    """The trial's days up to today: cut short on the day it was stopped, never past its last."""
    return Span(start, min(last_day, stopped_on or last_day, max(today, start)))


def reads_from(span: Span) -> date:
    """The first day a trial's result reads: its comparison days, or the rest rule's look-back."""
    return span.first - timedelta(max(span.days, REST_LOOKBACK_DAYS))


# Doing it.


@dataclass(frozen=True)
class Adherence:
    done: int
    out_of: int
    text: str  # "you warmed up for 10 minutes or more on 9 of 11 runs"


# Run habits: what a run must show, and how the count reads ("... on 9 of 11 runs").
_RUN_HABITS: dict[Habit, tuple[Callable[[RunLike], bool], str]] = {
    Habit.WARM_UP: (
        lambda run: run.warm_up_minutes >= WARM_UP_MINUTES,
        f"you warmed up for {WARM_UP_MINUTES} minutes or more on",
    ),
    Habit.COOL_DOWN: (
        lambda run: run.cool_down_minutes >= COOL_DOWN_MINUTES or run.stretched_after,
        "you cooled down or stretched after",
    ),
    Habit.WATER: (lambda run: bool(run.water_ml), "you took water on"),
}


def _counted(
    done: int, out_of: int, phrase: str, noun: str, *, none_yet: str = "", after: str = ""
) -> Adherence:
    """ "you took water on 5 of 8 runs", or ``none_yet`` with nothing to count."""
    if not out_of:
        return Adherence(0, 0, none_yet)
    return Adherence(done, out_of, f"{phrase} {done} of {formats.plural(out_of, noun)}{after}")


def adherence(
    habit: Habit | str, *, span: Span, runs: Iterable[RunLike], checkins: Iterable[CheckInLike]
) -> Adherence:
    """How often the member did what the tip asks over ``span`` (the days so far).

    Runs and nights are counted as logged; days without a check-in are days not ticked and,
    for the rest rule, read as the diary shows them (no run is a rest day).
    """
    runs = list(runs)
    checkins = list(checkins)
    during = [run for run in runs if run.date in span]
    nights = [checkin for checkin in checkins if checkin.date in span]
    habit = Habit(habit)
    if habit in _RUN_HABITS:
        kept, phrase = _RUN_HABITS[habit]
        done = sum(kept(run) for run in during)
        none_yet = "no runs logged in the trial yet"
        return _counted(done, len(during), phrase, "run", none_yet=none_yet)
    if habit is Habit.SLEEP:
        done = sum(float(checkin.sleep_hours) >= SLEEP_TARGET_HOURS for checkin in nights)
        phrase = f"you slept {SLEEP_TARGET_HOURS} hours or more on"
        none_yet = "no check-ins in the trial yet"
        return _counted(done, len(nights), phrase, "night", none_yet=none_yet, after=" logged")
    if habit is Habit.REST:
        done = sum(_kept_rest(day, runs, checkins) for day in _days(span))
        phrase = (
            "you had a rest day in the last 7 days and kept your 7-day distance within 10 % "
            "of the 7 before on"
        )
        return _counted(done, span.days, phrase, "day")
    done = sum(checkin.tip_done for checkin in nights)
    return _counted(done, span.days, "you ticked “done today” on", "day")


def _days(span: Span) -> list[date]:
    return [span.first + timedelta(n) for n in range(span.days)]


def _kept_rest(day: date, runs: Sequence[RunLike], checkins: Sequence[CheckInLike]) -> bool:
    """A rest day in the 7 days up to ``day``, and their distance at most 10 % above the 7 days
    before them (a week after one without running has nothing to compare with, so it passes)."""
    week = Span(day - timedelta(6), day)
    if not rest_days(runs, checkins, week.first, week.last):
        return False
    before = week.before()
    now = sum(float(run.distance_km) for run in runs if run.date in week)
    then = sum(float(run.distance_km) for run in runs if run.date in before)
    return then == 0 or now <= then * (1 + WEEKLY_INCREASE_NOTE) + _TOLERANCE


# Lighter or not.


class Verdict(StrEnum):
    TOO_LITTLE = "too_little"
    UNLIKELY_CHANCE = "unlikely_chance"
    COULD_BE_CHANCE = "could_be_chance"


@functools.lru_cache(maxsize=1024)
def permutation_p_value(
    before: tuple[int, ...], during: tuple[int, ...], *, seed: int, permutations: int = PERMUTATIONS
) -> float:
    """Two-sided permutation test of the difference in means, with seeded random draws.

    Shuffles the pooled values ``permutations`` times, splits them into groups of the same
    sizes, and counts the splits whose difference in means is at least as far from zero as the
    one observed; ``(count + 1) / (permutations + 1)``, so an estimate is never 0. Cached: a
    finished trial's values do not change between page views.
    """
    if not before or not during:
        raise ValueError("both sides need values")
    pooled = [*during, *before]
    total = sum(pooled)
    n_during, n_before = len(during), len(before)
    observed = abs(sum(during) / n_during - sum(before) / n_before)
    # B311: the draws only shuffle the member's own values for a statistic; seeded so a result
    # reads the same on every visit, and nothing secret depends on them.
    rng = random.Random(seed)  # nosec B311
    as_far = 0
    for _ in range(permutations):
        rng.shuffle(pooled)
        drawn = sum(pooled[:n_during])
        if abs(drawn / n_during - (total - drawn) / n_before) >= observed - _TOLERANCE:
            as_far += 1
    return (as_far + 1) / (permutations + 1)


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def score(value: float) -> str:
    """A mean or a difference on the 0-10 scale, to one decimal: 1.4, 3."""
    return formats.plain_number(round(value, 1))


@dataclass(frozen=True)
class Comparison:
    """One heaviness, before the trial and during it."""

    before: tuple[int, ...]
    during: tuple[int, ...]
    entries: str  # what an entry is: "morning" or "run"
    p_value: float | None  # None with too little data

    @property
    def mean_before(self) -> float | None:
        return _mean(self.before)

    @property
    def mean_during(self) -> float | None:
        return _mean(self.during)

    @property
    def difference(self) -> float | None:
        """During minus before: below zero is lighter."""
        if self.mean_before is None or self.mean_during is None:
            return None
        return self.mean_during - self.mean_before

    @property
    def verdict(self) -> Verdict:
        if self.p_value is None:
            return Verdict.TOO_LITTLE
        return Verdict.UNLIKELY_CHANCE if self.p_value < CHANCE_LEVEL else Verdict.COULD_BE_CHANCE

    @property
    def mean_before_text(self) -> str:
        return "" if self.mean_before is None else score(self.mean_before)

    @property
    def mean_during_text(self) -> str:
        return "" if self.mean_during is None else score(self.mean_during)

    @property
    def difference_text(self) -> str:
        """ "-1.4" (lighter), "+0.5" (heavier), "0"; "" without values on both sides."""
        if self.difference is None:
            return ""
        shown = round(self.difference, 1)
        return f"{'+' if shown > 0 else '-' if shown < 0 else ''}{score(abs(shown))}"

    @property
    def p_value_text(self) -> str:
        """ "p = 0.015", "p < 0.001"; "" with too little data."""
        if self.p_value is None:
            return ""
        if self.p_value < 0.001:
            return "p < 0.001"
        return f"p = {formats.plain_number(round(self.p_value, 3))}"

    @property
    def counts(self) -> str:
        """ "over 12 mornings before and 11 during"."""
        return (
            f"over {formats.plural(len(self.before), self.entries)} before and "
            f"{len(self.during)} during"
        )

    @property
    def change(self) -> str:
        """ "lighter by 1.4 on average"; "" without values on both sides."""
        if self.difference is None:
            return ""
        shown = round(self.difference, 1)
        if shown == 0:
            return "no lighter or heavier on average"
        direction = "lighter" if shown < 0 else "heavier"
        return f"{direction} by {score(abs(shown))} on average"

    @property
    def summary(self) -> str:
        """The verdict in one line: "lighter by 1.4 on average, over 12 mornings before and 11
        during: unlikely to be chance alone"."""
        if self.verdict is Verdict.TOO_LITTLE:
            return (
                f"too little data to say (fewer than {MIN_ENTRIES} entries on a side: "
                f"{len(self.before)} before, {len(self.during)} during)"
            )
        said = (
            "unlikely to be chance alone"
            if self.verdict is Verdict.UNLIKELY_CHANCE
            else ("could be chance")
        )
        return f"{self.change}, {self.counts}: {said}"


def compare(before: Iterable[int], during: Iterable[int], *, entries: str, seed: int) -> Comparison:
    before, during = tuple(before), tuple(during)
    enough = min(len(before), len(during)) >= MIN_ENTRIES
    p_value = permutation_p_value(before, during, seed=seed) if enough else None
    return Comparison(before=before, during=during, entries=entries, p_value=p_value)


@dataclass(frozen=True)
class Result:
    span: Span  # the trial's days so far
    baseline: Span  # the same number of days just before
    adherence: Adherence
    waking: Comparison  # check-ins' heaviness on waking
    running: Comparison  # runs' heaviness during the run

    @property
    def headline(self) -> str:
        """What the result says in one sentence: an association, never a cause."""
        sides = [("on waking", self.waking), ("during runs", self.running)]
        clear: dict[str, list[str]] = {}
        for where, comparison in sides:
            if comparison.verdict is Verdict.UNLIKELY_CHANCE:
                direction = "lighter" if comparison.difference < 0 else "heavier"
                clear.setdefault(direction, []).append(where)
        if clear:
            legs = " and ".join(
                f"{direction} legs {' and '.join(wheres)}" for direction, wheres in clear.items()
            )
            return (
                f"The trial is associated with {legs}: a difference unlikely to be chance "
                "alone, though not proof that the tip caused it."
            )
        if all(c.verdict is Verdict.TOO_LITTLE for _, c in sides):
            return "Too little data yet to say whether anything changed with the trial."
        return "No difference clearly associated with the trial: what changed could be chance."


def result(
    habit: Habit | str,
    *,
    span: Span,
    runs: Iterable[RunLike],
    checkins: Iterable[CheckInLike],
    seed: int,
) -> Result:
    """The trial's result over ``span``, from entries covering at least ``reads_from(span)``
    to its last day (entries outside are ignored)."""
    runs, checkins = list(runs), list(checkins)
    baseline = span.before()

    def heaviness(entries: Sequence[RunLike | CheckInLike], days: Span) -> list[int]:
        ordered = sorted((e for e in entries if e.date in days), key=lambda e: e.date)
        return [e.leg_heaviness for e in ordered if e.leg_heaviness is not None]

    return Result(
        span=span,
        baseline=baseline,
        adherence=adherence(habit, span=span, runs=runs, checkins=checkins),
        waking=compare(
            heaviness(checkins, baseline),
            heaviness(checkins, span),
            entries="morning",
            seed=seed,
        ),
        running=compare(heaviness(runs, baseline), heaviness(runs, span), entries="run", seed=seed),
    )
