"""Try a tip's rules (legs.trials): the statistics on hand-made series whose answer is known,
and what "doing it" means for each kind of tip. Pure functions: no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from math import comb
from types import SimpleNamespace

import pytest

from legs import trials
from legs.trials import Habit, Span, Verdict

START = date(2025, 6, 2)  # a Monday
SPAN = Span(START, START + timedelta(days=13))  # a 14-day trial
BEFORE = SPAN.before()


def run(day: date, **fields) -> SimpleNamespace:
    values = {
        "distance_km": Decimal(5),
        "leg_heaviness": 3,
        "warm_up_minutes": 0,
        "cool_down_minutes": 0,
        "stretched_after": False,
        "water_ml": None,
    }
    return SimpleNamespace(date=day, **(values | fields))


def checkin(day: date, **fields) -> SimpleNamespace:
    values = {"sleep_hours": Decimal(7), "leg_heaviness": 3, "rest_day": False, "tip_done": False}
    return SimpleNamespace(date=day, **(values | fields))


def days(span: Span) -> list[date]:
    return [span.first + timedelta(n) for n in range(span.days)]


# Days.


def test_the_comparison_days_are_as_many_just_before_the_trial():
    assert Span(START - timedelta(14), START - timedelta(1)) == BEFORE
    assert BEFORE.days == SPAN.days == 14


def test_a_running_trial_counts_its_days_up_to_today():
    today = START + timedelta(4)
    span = trials.so_far(start=START, last_day=SPAN.last, stopped_on=None, today=today)
    assert span == Span(START, today)
    assert span.days == 5  # day 5 of 14
    assert span.before() == Span(START - timedelta(5), START - timedelta(1))


def test_a_stopped_trial_ends_on_the_day_it_stopped_and_a_finished_one_on_its_last():
    stopped = START + timedelta(6)
    later = START + timedelta(40)
    assert trials.so_far(start=START, last_day=SPAN.last, stopped_on=stopped, today=later) == Span(
        START, stopped
    )
    assert trials.so_far(start=START, last_day=SPAN.last, stopped_on=None, today=later) == SPAN


def test_a_result_reads_its_comparison_days_or_the_rest_rules_two_weeks():
    assert trials.reads_from(SPAN) == START - timedelta(14)
    short = Span(START, START + timedelta(2))
    assert trials.reads_from(short) == START - timedelta(trials.REST_LOOKBACK_DAYS)


# The permutation test.


def test_a_clear_drop_is_unlikely_to_be_chance():
    before = [6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7]
    during = [4, 5, 5, 6, 5, 6, 5, 6, 5, 5, 6]
    comparison = trials.compare(before, during, entries="morning", seed=1)
    assert comparison.p_value < 0.01
    assert comparison.verdict is Verdict.UNLIKELY_CHANCE
    assert comparison.difference == pytest.approx(5.273 - 6.5, abs=1e-3)
    assert comparison.summary == (
        "lighter by 1.2 on average, over 12 mornings before and 11 during: "
        "unlikely to be chance alone"
    )


def test_no_change_could_be_chance():
    before = [3, 4, 3, 4, 3, 4]
    during = [4, 3, 4, 3, 4, 3]
    comparison = trials.compare(before, during, entries="run", seed=1)
    assert comparison.p_value == 1.0  # every split is at least as far from zero as 0
    assert comparison.verdict is Verdict.COULD_BE_CHANCE
    assert comparison.summary == (
        "no lighter or heavier on average, over 6 runs before and 6 during: could be chance"
    )


def test_a_small_noisy_rise_could_be_chance():
    before = [2, 5, 3, 6, 2, 4]
    during = [3, 6, 2, 5, 4, 5]
    comparison = trials.compare(before, during, entries="morning", seed=1)
    assert 0.3 < comparison.p_value < 1
    assert comparison.verdict is Verdict.COULD_BE_CHANCE
    assert comparison.summary.startswith("heavier by 0.5 on average, over 6 mornings before")


def test_fewer_than_five_entries_on_a_side_is_too_little_to_say():
    comparison = trials.compare([8, 8, 9, 8], [1, 2, 1, 1, 2, 1], entries="run", seed=1)
    assert comparison.p_value is None
    assert comparison.verdict is Verdict.TOO_LITTLE
    assert comparison.summary == (
        "too little data to say (fewer than 5 entries on a side: 4 before, 6 during)"
    )
    assert trials.compare([], [], entries="run", seed=1).summary.endswith("0 before, 0 during)")


def test_the_estimate_lands_near_the_exact_p_value():
    # Two groups of five, all 0 against all 1: only 2 of the C(10, 5) splits are as extreme.
    exact = 2 / comb(10, 5)
    p_value = trials.permutation_p_value((0,) * 5, (1,) * 5, seed=7)
    assert p_value == pytest.approx(exact, abs=0.006)


def test_the_random_draws_are_seeded():
    before, during = (3, 5, 4, 6, 2, 5, 4), (2, 4, 3, 3, 2, 5, 3)
    first = trials.permutation_p_value(before, during, seed=42, permutations=500)
    trials.permutation_p_value.cache_clear()
    assert trials.permutation_p_value(before, during, seed=42, permutations=500) == first
    others = {
        trials.permutation_p_value(before, during, seed=s, permutations=500) for s in range(5)
    }
    assert len(others) > 1  # another seed, other draws
    assert all(0 < p <= 1 for p in others)


def test_the_test_is_two_sided():
    lighter = trials.permutation_p_value((6,) * 6, (2,) * 6, seed=3)
    heavier = trials.permutation_p_value((2,) * 6, (6,) * 6, seed=3)
    assert lighter == heavier < 0.01


def test_the_permutation_test_needs_values_on_both_sides():
    with pytest.raises(ValueError, match="both sides"):
        trials.permutation_p_value((), (1, 2), seed=1)


# A trial's result.


def test_a_result_compares_waking_and_runs_separately_over_the_same_days():
    checkins = [checkin(day, leg_heaviness=6) for day in days(BEFORE)]
    checkins += [checkin(day, leg_heaviness=2) for day in days(SPAN)]
    runs = [run(day, leg_heaviness=4) for day in days(BEFORE)[::2]]
    runs += [run(day, leg_heaviness=4) for day in days(SPAN)[::2]]
    runs.append(run(SPAN.last + timedelta(3), leg_heaviness=10))  # after the trial: ignored
    runs.append(run(days(SPAN)[1], leg_heaviness=None))  # not rated: not a value
    result = trials.result(Habit.WARM_UP, span=SPAN, runs=runs, checkins=checkins, seed=1)
    assert (len(result.waking.before), len(result.waking.during)) == (14, 14)
    assert result.waking.verdict is Verdict.UNLIKELY_CHANCE
    assert result.waking.change == "lighter by 4 on average"
    assert (len(result.running.before), len(result.running.during)) == (7, 7)
    assert result.running.verdict is Verdict.COULD_BE_CHANCE
    assert result.headline == (
        "The trial is associated with lighter legs on waking: a difference unlikely to be "
        "chance alone, though not proof that the tip caused it."
    )
    assert "cause" not in result.waking.summary
    assert "prove" not in result.headline.replace("proof", "")


def test_a_result_without_data_says_so():
    result = trials.result(Habit.TICK, span=SPAN, runs=[], checkins=[], seed=1)
    assert result.headline == "Too little data yet to say whether anything changed with the trial."


def test_the_displayed_numbers_have_one_decimal_and_a_sign():
    comparison = trials.compare([6, 6, 6, 6, 7], [5, 5, 5, 5, 4], entries="run", seed=1)
    assert comparison.mean_before_text == "6.2"
    assert comparison.mean_during_text == "4.8"
    assert comparison.difference_text == "-1.4"
    assert comparison.p_value_text.startswith("p = 0.0")
    drop = trials.compare([7] * 10, [2] * 10, entries="run", seed=1)
    assert drop.p_value_text == "p < 0.001"
    assert trials.compare([1], [2], entries="run", seed=1).p_value_text == ""


def test_lighter_both_ways_is_said_once():
    checkins = [checkin(day, leg_heaviness=6) for day in days(BEFORE)]
    checkins += [checkin(day, leg_heaviness=2) for day in days(SPAN)]
    runs = [run(day, leg_heaviness=7) for day in days(BEFORE)]
    runs += [run(day, leg_heaviness=3) for day in days(SPAN)]
    result = trials.result(Habit.WARM_UP, span=SPAN, runs=runs, checkins=checkins, seed=1)
    assert result.headline.startswith(
        "The trial is associated with lighter legs on waking and during runs: "
    )


# Doing it, tip by tip.


def adherence(habit: Habit, *, runs=(), checkins=(), span: Span = SPAN) -> trials.Adherence:
    return trials.adherence(habit, span=span, runs=runs, checkins=checkins)


def test_warm_up_counts_runs_with_ten_minutes_or_more():
    runs = [run(START, warm_up_minutes=10), run(START + timedelta(2), warm_up_minutes=9)]
    runs += [run(START + timedelta(4), warm_up_minutes=15), run(BEFORE.first, warm_up_minutes=20)]
    done = adherence(Habit.WARM_UP, runs=runs)
    assert (done.done, done.out_of) == (2, 3)
    assert done.text == "you warmed up for 10 minutes or more on 2 of 3 runs"


def test_cool_down_counts_a_cool_down_or_stretches_after():
    runs = [
        run(START, cool_down_minutes=5),
        run(START + timedelta(1), stretched_after=True),
        run(START + timedelta(2), cool_down_minutes=4),
    ]
    done = adherence(Habit.COOL_DOWN, runs=runs)
    assert (done.done, done.out_of) == (2, 3)
    assert done.text == "you cooled down or stretched after 2 of 3 runs"


def test_sleep_counts_nights_of_seven_hours_or_more_among_those_logged():
    checkins = [
        checkin(START, sleep_hours=Decimal("7.00")),
        checkin(START + timedelta(1), sleep_hours=Decimal("6.75")),
        checkin(START + timedelta(2), sleep_hours=Decimal(9)),
    ]
    done = adherence(Habit.SLEEP, checkins=checkins)
    assert (done.done, done.out_of) == (2, 3)
    assert done.text == "you slept 7 hours or more on 2 of 3 nights logged"


def test_water_counts_runs_with_water_taken():
    runs = [
        run(START, water_ml=500),
        run(START + timedelta(1), water_ml=0),
        run(START + timedelta(2)),
    ]
    done = adherence(Habit.WATER, runs=runs)
    assert (done.done, done.out_of) == (1, 3)
    assert done.text == "you took water on 1 of 3 runs"


def test_water_with_one_run_says_run_not_runs():
    assert adherence(Habit.WATER, runs=[run(START, water_ml=300)]).text == (
        "you took water on 1 of 1 run"
    )


def test_nothing_logged_yet_is_said_plainly():
    assert adherence(Habit.WARM_UP).text == "no runs logged in the trial yet"
    assert adherence(Habit.SLEEP).text == "no check-ins in the trial yet"
    assert (adherence(Habit.SLEEP).done, adherence(Habit.SLEEP).out_of) == (0, 0)


def test_tick_counts_days_ticked_done_out_of_every_day_so_far():
    span = Span(START, START + timedelta(4))
    checkins = [checkin(START, tip_done=True), checkin(START + timedelta(2), tip_done=True)]
    checkins.append(checkin(START + timedelta(3)))
    done = adherence(Habit.TICK, checkins=checkins, span=span)
    assert (done.done, done.out_of) == (2, 5)
    assert done.text == "you ticked “done today” on 2 of 5 days"


def steady_weeks(first: date, last: date, trial_km: str = "5.5") -> list[SimpleNamespace]:
    """A run every day but one a week: 5 km before the trial, ``trial_km`` during it."""
    return [
        run(day, distance_km=Decimal(5) if day < START else Decimal(trial_km))
        for day in days(Span(first, last))
        if (day - START).days % 7 != 6
    ]


def test_rest_needs_a_rest_day_in_each_seven_days_and_no_more_than_ten_percent_more():
    trial_week = Span(START, START + timedelta(6))
    runs = steady_weeks(START - timedelta(14), trial_week.last)  # exactly +10 % at most
    done = adherence(Habit.REST, runs=runs, span=trial_week)
    assert (done.done, done.out_of) == (7, 7)
    assert done.text == (
        "you had a rest day in the last 7 days and kept your 7-day distance within 10 % of the "
        "7 before on 7 of 7 days"
    )
    jump = steady_weeks(START - timedelta(14), trial_week.last, trial_km="6")  # +20 % at most
    assert adherence(Habit.REST, runs=jump, span=trial_week).done < 7


def test_rest_fails_days_with_a_week_of_running_or_a_jump_in_distance():
    runs = [run(day) for day in days(Span(START - timedelta(13), START - timedelta(7)))]
    runs += [
        run(day, distance_km=Decimal(8)) for day in days(Span(START - 6 * timedelta(1), START))
    ]
    done = adherence(Habit.REST, runs=runs, span=Span(START, START))
    assert (done.done, done.out_of) == (0, 1)  # 7 running days in a row, and 60 % more
    rested = [r for r in runs if r.date != START - timedelta(3)]
    assert adherence(Habit.REST, runs=rested, span=Span(START, START)).done == 0  # still +37 %
    easy = [r for r in rested if r.date < START - timedelta(6)]
    easy += [
        run(day)
        for day in days(Span(START - 6 * timedelta(1), START))
        if day != START - timedelta(3)
    ]
    assert adherence(Habit.REST, runs=easy, span=Span(START, START)).done == 1


def test_a_check_in_marking_a_rest_day_counts_as_rest():
    runs = [run(day) for day in days(Span(START - timedelta(13), START))]
    checkins = [checkin(START - timedelta(2), rest_day=True)]
    assert adherence(Habit.REST, runs=runs, checkins=checkins, span=Span(START, START)).done == 1


def test_every_habit_has_a_label():
    assert {habit.label for habit in Habit} == set(trials.HABIT_LABELS.values())
    assert len(trials.HABIT_LABELS) == len(Habit)
