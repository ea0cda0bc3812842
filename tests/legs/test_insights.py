"""The diary's insight rules, on plain objects: no database, no Django."""

from __future__ import annotations

import json
import math
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from legs import insights
from legs.insights import (
    Insight,
    Level,
    acwr,
    build_insights,
    daily_loads,
    monotony,
    rest_days,
    running_streak,
    session_load,
)

TODAY = date(2026, 3, 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def run(
    days_ago: int = 0,
    *,
    km: float | Decimal = 5.0,
    minutes: float = 30,
    kind: str = "easy",
    rpe: int = 4,
    heaviness: int | None = 2,
    warm_up: int = 10,
    cool_down: int = 5,
    stretched: bool = False,
    cadence: int | None = None,
) -> SimpleNamespace:
    return SimpleNamespace(
        date=ago(days_ago),
        distance_km=km,
        duration=timedelta(minutes=minutes),
        kind=kind,
        rpe=rpe,
        leg_heaviness=heaviness,
        warm_up_minutes=warm_up,
        cool_down_minutes=cool_down,
        stretched_after=stretched,
        avg_cadence=cadence,
    )


def checkin(
    days_ago: int = 0,
    *,
    sleep: float | Decimal | None = 7.5,
    heaviness: int | None = 2,
    rest: bool = False,
) -> SimpleNamespace:
    return SimpleNamespace(
        date=ago(days_ago), sleep_hours=sleep, leg_heaviness=heaviness, rest_day=rest
    )


def load_run(days_ago: int, load: float, **kwargs: object) -> SimpleNamespace:
    """A run whose session load (RPE 1 x minutes) is exactly `load`."""
    return run(days_ago, rpe=1, minutes=load, **kwargs)


def apply(rule, runs=(), checkins=()) -> Insight | None:  # noqa: ANN001 - any rule function
    return rule(runs=list(runs), checkins=list(checkins), today=TODAY)


# Helpers.


def test_session_load_is_rpe_times_minutes() -> None:
    assert session_load(run(rpe=6, minutes=45)) == 270


def test_daily_loads_fill_rest_days_with_zero_and_ignore_days_outside() -> None:
    loads = daily_loads([load_run(1, 50), load_run(1, 20), load_run(5, 99)], ago(2), TODAY)
    assert loads == {ago(2): 0.0, ago(1): 70.0, TODAY: 0.0}
    assert list(loads) == [ago(2), ago(1), TODAY]


def test_acwr_needs_28_days_of_runs() -> None:
    assert acwr([load_run(26, 100), load_run(0, 100)], TODAY) is None
    assert acwr([load_run(27, 100), load_run(0, 100)], TODAY) == pytest.approx(2.0)


def test_acwr_is_none_without_load() -> None:
    assert acwr([], TODAY) is None
    assert acwr([load_run(27, 0)], TODAY) is None


def test_acwr_ignores_runs_after_today_for_chart_use() -> None:
    runs = [load_run(27, 100), load_run(0, 100), load_run(-3, 5000)]
    assert acwr(runs, TODAY) == pytest.approx(2.0)


def test_monotony_counts_rest_days_as_zero() -> None:
    # Loads 100, 0, 0, 0, 0, 0, 0: mean 14.29, population deviation 34.99.
    assert monotony([load_run(0, 100)], TODAY) == pytest.approx(1 / math.sqrt(6))


def test_monotony_with_no_load_is_none() -> None:
    assert monotony([], TODAY) is None
    assert monotony([load_run(0, 0)], TODAY) is None


def test_monotony_with_the_same_load_every_day_is_infinite() -> None:
    assert monotony([load_run(n, 60) for n in range(7)], TODAY) == math.inf


def test_a_day_with_no_run_or_a_rest_check_in_is_a_rest_day() -> None:
    runs = [run(0), run(1), run(2)]
    checkins = [checkin(1, rest=True), checkin(3)]
    assert rest_days(runs, checkins, ago(3), TODAY) == {ago(3), ago(1)}


def test_running_streak_counts_up_to_yesterday_when_today_is_not_logged() -> None:
    assert running_streak([run(n) for n in range(1, 5)], [], TODAY) == 4


def test_running_streak_ends_with_a_rest_check_in_today() -> None:
    assert running_streak([run(n) for n in range(1, 5)], [checkin(0, rest=True)], TODAY) == 0


def test_running_streak_of_an_empty_diary_is_zero() -> None:
    assert running_streak([], [], TODAY) == 0


# Weekly distance (+10%, a weak-evidence guideline).


def weekly(now_km: float | Decimal, before_km: float | Decimal) -> Insight | None:
    return apply(insights.rule_weekly_distance_increase, [run(0, km=now_km), run(9, km=before_km)])


@pytest.mark.parametrize(
    ("now_km", "fires"),
    [(Decimal("21.9"), False), (Decimal("22.0"), False), (Decimal("22.1"), True)],
)
def test_weekly_distance_note_above_ten_percent(now_km: Decimal, fires: bool) -> None:
    insight = weekly(now_km, Decimal("20.0"))
    assert (insight is not None) is fires


def test_weekly_distance_note_says_the_guideline_evidence_is_weak() -> None:
    insight = weekly(24.0, 20.0)
    assert insight is not None
    assert insight.level == Level.NOTE
    assert "24.0 km" in insight.text
    assert "20.0 km" in insight.text
    assert "20%" in insight.text
    assert "evidence" in insight.text
    assert "weak" in insight.text
    assert insight.tip_slug == insights.TIP_AVOID_OVERTRAINING
    assert insight.basis == "Based on 2 runs over the last 14 days."


def test_weekly_distance_note_is_silent_after_an_empty_week() -> None:
    assert weekly(10.0, 0.0) is None


def test_weekly_distance_ignores_runs_older_than_two_weeks() -> None:
    assert apply(insights.rule_weekly_distance_increase, [run(0, km=30), run(14, km=5)]) is None


# Two-week distance (+30%): last 7 days against 14-20 days ago.


@pytest.mark.parametrize(("now_km", "fires"), [(25.9, False), (26.0, False), (26.1, True)])
def test_two_week_distance_warning_above_thirty_percent(now_km: float, fires: bool) -> None:
    insight = apply(insights.rule_two_week_distance_increase, [run(1, km=now_km), run(17, km=20)])
    assert (insight is not None) is fires
    if insight:
        assert insight.level == Level.WARNING
        assert "associated with" in insight.text


def test_two_week_distance_compares_with_days_fourteen_to_twenty_ago() -> None:
    rule = insights.rule_two_week_distance_increase
    assert apply(rule, [run(0, km=30), run(20, km=10)]) is not None
    assert apply(rule, [run(0, km=30), run(21, km=10)]) is None
    assert apply(rule, [run(0, km=30), run(13, km=10)]) is None


# A single run more than 10% longer than the longest of the previous 30 days.


@pytest.mark.parametrize(("km", "fires"), [(21.9, False), (22.0, False), (22.1, True)])
def test_long_run_jump_warning_above_ten_percent(km: float, fires: bool) -> None:
    runs = [run(2, km=km), run(12, km=20), run(20, km=8)]
    insight = apply(insights.rule_long_run_jump, runs)
    assert (insight is not None) is fires
    if insight:
        assert insight.level == Level.WARNING
        assert "20.0 km" in insight.text
        assert "associated with" in insight.text


def test_long_run_jump_only_looks_thirty_days_back() -> None:
    assert apply(insights.rule_long_run_jump, [run(0, km=15), run(31, km=30)]) is None
    assert apply(insights.rule_long_run_jump, [run(0, km=15), run(30, km=30)]) is None
    assert apply(insights.rule_long_run_jump, [run(0, km=15), run(30, km=10)]) is not None


def test_long_run_jump_stops_warning_after_a_week() -> None:
    assert apply(insights.rule_long_run_jump, [run(6, km=15), run(10, km=10)]) is not None
    assert apply(insights.rule_long_run_jump, [run(7, km=15), run(10, km=10)]) is None


def test_long_run_jump_needs_an_earlier_run() -> None:
    assert apply(insights.rule_long_run_jump, [run(0, km=15)]) is None
    assert apply(insights.rule_long_run_jump, [run(0, km=15), run(3, km=0)]) is None


# Workload ratio (Gabbett): 7-day load / mean weekly load of 28 days.


def ratio_runs(acute: float, older: float) -> list[SimpleNamespace]:
    """Ratio = 4 x acute / (acute + older)."""
    return [load_run(0, acute), load_run(27, older)]


@pytest.mark.parametrize(
    ("acute", "older", "level"),
    [
        (37, 63, Level.NOTE),  # 1.48, just below the warning
        (3, 5, Level.NOTE),  # 1.50 exactly: not above it
        (38, 62, Level.WARNING),  # 1.52
        (13, 27, Level.GOOD),  # 1.30: top of the sweet spot
        (33, 67, Level.NOTE),  # 1.32
        (1, 4, Level.GOOD),  # 0.80: bottom of the sweet spot
        (19, 81, Level.NOTE),  # 0.76
    ],
)
def test_workload_ratio_levels_around_each_threshold(acute: int, older: int, level: Level) -> None:
    insight = apply(insights.rule_workload_ratio, ratio_runs(acute, older))
    assert insight is not None
    assert insight.level == level
    assert insight.key == "workload_ratio"


def test_workload_ratio_good_in_the_sweet_spot_explains_the_number() -> None:
    insight = apply(insights.rule_workload_ratio, ratio_runs(1, 2))  # 1.33 -> note
    assert insight is not None
    assert "1.33" in insight.text
    insight = apply(insights.rule_workload_ratio, ratio_runs(1, 3))  # 1.00 -> good
    assert insight is not None
    assert "1.00" in insight.text
    assert "times your average week" in insight.text
    assert "sweet spot" in insight.text


def test_workload_ratio_waits_for_28_days_of_entries() -> None:
    assert apply(insights.rule_workload_ratio, [load_run(0, 100), load_run(26, 100)]) is None


# Rest: running streak and long runs without rest.


@pytest.mark.parametrize(("days", "fires"), [(5, False), (6, True), (7, True)])
def test_running_streak_warning_at_six_days_in_a_row(days: int, fires: bool) -> None:
    insight = apply(insights.rule_running_streak, [run(n) for n in range(days)])
    assert (insight is not None) is fires
    if insight:
        assert f"{days} days in a row" in insight.text
        assert insight.tip_slug == insights.TIP_REST_DAYS


def test_running_streak_warning_holds_until_today_is_over() -> None:
    assert apply(insights.rule_running_streak, [run(n) for n in range(1, 7)]) is not None


def test_running_streak_is_broken_by_a_rest_check_in() -> None:
    runs = [run(n) for n in range(8)]
    assert apply(insights.rule_running_streak, runs, [checkin(3, rest=True)]) is None


def test_two_long_runs_without_a_rest_day_warn() -> None:
    runs = [run(n) for n in range(1, 3)] + [run(0, kind="long"), run(3, kind="long")]
    insight = apply(insights.rule_long_runs_without_rest, runs)
    assert insight is not None
    assert insight.level == Level.WARNING
    assert "Thu 26 Feb" in insight.text
    assert "Sun 1 Mar" in insight.text


def test_back_to_back_long_runs_warn() -> None:
    runs = [run(0, kind="long"), run(1, kind="long")]
    assert apply(insights.rule_long_runs_without_rest, runs) is not None


def test_two_long_runs_on_the_same_day_warn() -> None:
    insight = apply(
        insights.rule_long_runs_without_rest, [run(2, kind="long"), run(2, kind="long")]
    )
    assert insight is not None
    assert "two long runs on Fri 27 Feb" in insight.text


def test_long_runs_with_a_rest_day_between_are_fine() -> None:
    runs = [run(0, kind="long"), run(1), run(3, kind="long")]  # 2 days ago: no run
    assert apply(insights.rule_long_runs_without_rest, runs) is None
    runs = [run(0, kind="long"), run(1), run(2), run(3, kind="long")]
    assert apply(insights.rule_long_runs_without_rest, runs, [checkin(2, rest=True)]) is None


def test_long_runs_without_rest_stop_warning_after_two_weeks() -> None:
    def pair(second: int) -> list[SimpleNamespace]:
        return [run(second, kind="long"), run(second + 1, kind="long")]

    assert apply(insights.rule_long_runs_without_rest, pair(13)) is not None
    assert apply(insights.rule_long_runs_without_rest, pair(14)) is None


def test_a_single_long_run_is_fine() -> None:
    assert apply(insights.rule_long_runs_without_rest, [run(0, kind="long")]) is None


# Monotony (Foster): above 2.0.


def week_of_loads(loads: list[float]) -> list[SimpleNamespace]:
    return [load_run(n, load) for n, load in enumerate(loads) if load]


@pytest.mark.parametrize(
    ("loads", "fires"),
    [
        ([8, 2, 2, 5, 3, 5, 3], False),  # exactly 2.0
        ([8, 2, 3, 5, 3, 5, 3], True),  # 2.10
        ([8, 2, 2, 5, 3, 5, 2], False),  # 1.86
    ],
)
def test_monotony_warning_above_two(loads: list[float], fires: bool) -> None:
    runs = week_of_loads([load * 10 for load in loads])
    insight = apply(insights.rule_monotony, runs)
    assert (insight is not None) is fires


def test_monotony_threshold_data_sits_where_the_test_says() -> None:
    assert monotony(week_of_loads([8, 2, 2, 5, 3, 5, 3]), TODAY) == pytest.approx(2.0)
    assert monotony(week_of_loads([8, 2, 3, 5, 3, 5, 3]), TODAY) > 2.0
    assert monotony(week_of_loads([8, 2, 2, 5, 3, 5, 2]), TODAY) < 2.0


def test_monotony_warning_for_the_same_load_every_day() -> None:
    insight = apply(insights.rule_monotony, week_of_loads([60] * 7))
    assert insight is not None
    assert "same training load" in insight.text


def test_monotony_is_quiet_with_rest_days_and_without_load() -> None:
    assert apply(insights.rule_monotony, week_of_loads([60, 0, 60, 0, 60, 0, 60])) is None
    assert apply(insights.rule_monotony, []) is None


# Sleep: 7-day average under 7 hours.


@pytest.mark.parametrize(
    ("hours", "level"),
    [(6.9, Level.NOTE), (7.0, Level.GOOD), (Decimal("7.1"), Level.GOOD)],
)
def test_sleep_note_under_seven_hours(hours: float | Decimal, level: Level) -> None:
    insight = apply(insights.rule_sleep_average, [], [checkin(n, sleep=hours) for n in range(3)])
    assert insight is not None
    assert insight.level == level
    assert insight.tip_slug == insights.TIP_SLEEP


def test_sleep_note_averages_only_the_last_seven_days() -> None:
    checkins = [checkin(n, sleep=6) for n in range(3)] + [checkin(7, sleep=12)]
    insight = apply(insights.rule_sleep_average, [], checkins)
    assert insight is not None
    assert "6.0 hours" in insight.text
    assert "associated with" in insight.text
    assert insight.basis == "Based on 3 check-ins over the last 7 days."


def test_sleep_needs_three_nights() -> None:
    checkins = [checkin(0, sleep=5), checkin(1, sleep=5), checkin(2, sleep=None)]
    assert apply(insights.rule_sleep_average, [], checkins) is None


# Warm-up and cool-down habits.


@pytest.mark.parametrize(("kept", "level"), [(7, Level.NOTE), (8, Level.GOOD), (9, Level.GOOD)])
def test_warm_up_share_is_good_from_eight_runs_in_ten(kept: int, level: Level) -> None:
    runs = [run(n, warm_up=10 if n < kept else 9) for n in range(10)]
    insight = apply(insights.rule_warm_up_share, runs)
    assert insight is not None
    assert insight.level == level
    assert f"{kept} of your 10 runs" in insight.text
    assert insight.tip_slug == insights.TIP_WARM_UP


def test_warm_up_share_needs_three_recent_runs() -> None:
    assert apply(insights.rule_warm_up_share, [run(0), run(1), run(28)]) is None


def test_cool_down_share_counts_a_stretch_or_five_minutes() -> None:
    runs = [
        run(0, cool_down=5),
        run(1, cool_down=0, stretched=True),
        run(2, cool_down=4),
        run(3, cool_down=0),
    ]
    insight = apply(insights.rule_cool_down_share, runs)
    assert insight is not None
    assert insight.level == Level.NOTE
    assert "2 of your 4 runs in the last 4 weeks (50%)" in insight.text
    assert insight.tip_slug == insights.TIP_COOL_DOWN


# Heaviness over 14 days against load.


def two_weeks(now: float, before: float, now_load: float = 100, before_load: float = 100):
    runs = [load_run(n, now_load, heaviness=None) for n in range(3)]
    runs += [load_run(n, before_load, heaviness=None) for n in range(7, 10)]
    checkins = [checkin(n, heaviness=now) for n in range(3)]
    checkins += [checkin(n, heaviness=before) for n in range(7, 10)]
    return runs, checkins


@pytest.mark.parametrize(("now", "fires"), [(3.9, False), (4.0, True), (4.1, True)])
def test_heaviness_trend_reports_a_rise_of_one_point(now: float, fires: bool) -> None:
    insight = apply(insights.rule_heaviness_trend, *two_weeks(now, 3))
    assert (insight is not None) is fires


def test_heaviness_rising_with_load_points_at_the_load() -> None:
    insight = apply(insights.rule_heaviness_trend, *two_weeks(6, 3, now_load=150))
    assert insight is not None
    assert insight.level == Level.NOTE
    assert "6.0/10" in insight.text
    assert "3.0/10" in insight.text
    assert "50%" in insight.text
    assert insight.tip_slug == insights.TIP_AVOID_OVERTRAINING


def test_heaviness_rising_without_more_load_points_elsewhere() -> None:
    insight = apply(insights.rule_heaviness_trend, *two_weeks(6, 3, now_load=105))
    assert insight is not None
    assert "did not go up" in insight.text
    assert insight.tip_slug == insights.TIP_WATER


def test_heaviness_falling_is_good_news() -> None:
    insight = apply(insights.rule_heaviness_trend, *two_weeks(2, 5))
    assert insight is not None
    assert insight.level == Level.GOOD


def test_heaviness_trend_needs_three_days_in_each_week() -> None:
    runs, checkins = two_weeks(6, 3)
    assert apply(insights.rule_heaviness_trend, runs, checkins[:2] + checkins[3:]) is None


# Red flag: heaviness 5/10 or more for 14 days despite rest.


def heavy_fortnight(
    values: list[int], run_days: range = range(0, 14, 2)
) -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    """Check-ins with these waking heaviness values, one per day back from today."""
    checkins = [checkin(n, heaviness=value) for n, value in enumerate(values)]
    runs = [run(n, heaviness=None) for n in run_days]
    return runs, checkins


@pytest.mark.parametrize(("lowest", "fires"), [(4, False), (5, True), (6, True)])
def test_red_flag_at_heaviness_five_on_every_logged_day(lowest: int, fires: bool) -> None:
    insight = apply(insights.rule_heaviness_red_flag, *heavy_fortnight([7] * 13 + [lowest]))
    assert (insight is not None) is fires
    if insight:
        assert insight.level == Level.RED_FLAG
        assert "physiotherapist" in insight.text
        assert "doctor" in insight.text
        assert "iron" in insight.text
        assert insight.tip_slug == insights.TIP_IRON


@pytest.mark.parametrize(("logged", "fires"), [(9, False), (10, True), (14, True)])
def test_red_flag_needs_ten_logged_days_of_fourteen(logged: int, fires: bool) -> None:
    insight = apply(insights.rule_heaviness_red_flag, *heavy_fortnight([6] * logged))
    assert (insight is not None) is fires
    if insight:
        assert f"all {logged} days you logged" in insight.text


def test_red_flag_counts_a_heavy_run_on_a_light_morning() -> None:
    runs, checkins = heavy_fortnight([6] * 14)
    checkins[0] = checkin(0, heaviness=2)
    runs[0] = run(0, heaviness=5)
    insight = apply(insights.rule_heaviness_red_flag, runs, checkins)
    assert insight is not None
    # ...and says that a day counts by its heaviest entry, where the runner reads it.
    assert "each day counted by its heaviest entry, on waking or during a run" in insight.text


def test_red_flag_needs_a_rest_day() -> None:
    runs, checkins = heavy_fortnight([6] * 14, run_days=range(14))
    assert apply(insights.rule_heaviness_red_flag, runs, checkins) is None
    checkins[4] = checkin(4, heaviness=6, rest=True)
    insight = apply(insights.rule_heaviness_red_flag, runs, checkins)
    assert insight is not None
    assert "1 rest day." in insight.text


def test_red_flag_ignores_heaviness_older_than_fourteen_days() -> None:
    runs, checkins = heavy_fortnight([6] * 9)
    checkins += [checkin(14, heaviness=6), checkin(15, heaviness=6)]
    assert apply(insights.rule_heaviness_red_flag, runs, checkins) is None


# "Your heavy-leg days usually follow...": sleep.


def sleep_sides(short: list[int], enough: list[int]) -> list[SimpleNamespace]:
    checkins = [checkin(n, sleep=6.9, heaviness=h) for n, h in enumerate(short)]
    checkins += [checkin(30 + n, sleep=7, heaviness=h) for n, h in enumerate(enough)]
    return checkins


def test_heavy_after_short_sleep_reports_both_sides_with_their_counts() -> None:
    insight = apply(insights.rule_heavy_after_short_sleep, [], sleep_sides([6] * 5, [3] * 8))
    assert insight is not None
    assert insight.level == Level.NOTE
    assert "heavy-leg days usually follow short nights" in insight.text
    assert "6.0/10" in insight.text
    assert "(5 mornings)" in insight.text
    assert "3.0/10" in insight.text
    assert "(8 mornings)" in insight.text
    assert "associated with" in insight.text
    assert insight.basis == "Based on 13 mornings over the last 12 weeks."


@pytest.mark.parametrize(("short", "enough", "fires"), [(4, 5, False), (5, 4, False), (5, 5, True)])
def test_heavy_after_short_sleep_needs_five_entries_on_each_side(
    short: int, enough: int, fires: bool
) -> None:
    insight = apply(
        insights.rule_heavy_after_short_sleep, [], sleep_sides([6] * short, [3] * enough)
    )
    assert (insight is not None) is fires


@pytest.mark.parametrize(("heavier", "fires"), [(3.9, False), (4.0, True), (4.1, True)])
def test_heavy_after_short_sleep_needs_one_point_of_difference(heavier: float, fires: bool) -> None:
    checkins = sleep_sides([heavier] * 5, [3] * 5)
    assert (apply(insights.rule_heavy_after_short_sleep, [], checkins) is not None) is fires


def test_heavy_after_short_sleep_ignores_entries_outside_the_window() -> None:
    checkins = sleep_sides([6] * 4, [3] * 5) + [checkin(insights.WINDOW_DAYS, sleep=5, heaviness=9)]
    assert apply(insights.rule_heavy_after_short_sleep, [], checkins) is None


# "...": warm-up.


@pytest.mark.parametrize(("without", "fires"), [(4.9, False), (5.0, True), (5.1, True)])
def test_heavy_without_warm_up_at_one_point_of_difference(without: float, fires: bool) -> None:
    runs = [run(n, warm_up=9, heaviness=without) for n in range(5)]
    runs += [run(10 + n, warm_up=10, heaviness=4) for n in range(5)]
    insight = apply(insights.rule_heavy_without_warm_up, runs)
    assert (insight is not None) is fires
    if insight:
        assert "(5 runs)" in insight.text
        assert insight.tip_slug == insights.TIP_WARM_UP


def test_heavy_without_warm_up_needs_five_runs_each_side() -> None:
    runs = [run(n, warm_up=0, heaviness=8) for n in range(4)]
    runs += [run(10 + n, warm_up=15, heaviness=2) for n in range(10)]
    assert apply(insights.rule_heavy_without_warm_up, runs) is None


# "...": load. Daily runs of load 100 for 8 weeks: the median 7-day load is 700, so a week is
# high-load above 910. A spike run makes the 7 days after it follow that spike's week.

SPIKES = (45, 30, 15)


def load_diary(spike_load: float) -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    runs, checkins = [], []
    for n in range(56):
        after_spike = any(0 < spike - n <= 7 for spike in SPIKES)
        heaviness = 6 if after_spike else 3
        load = spike_load if n in SPIKES else 100
        runs.append(load_run(n, load, heaviness=heaviness))
        checkins.append(checkin(n, heaviness=heaviness))
    return runs, checkins


@pytest.mark.parametrize(("spike_load", "fires"), [(310, False), (311, True), (1000, True)])
def test_heavy_after_high_load_above_one_point_three_times_the_usual_week(
    spike_load: float, fires: bool
) -> None:
    insight = apply(insights.rule_heavy_after_high_load, *load_diary(spike_load))
    assert (insight is not None) is fires
    if insight:
        assert "6.0/10" in insight.text
        assert "(21 days)" in insight.text
        assert "3.0/10" in insight.text
        assert "(28 days)" in insight.text
        assert "associated with" in insight.text
        # Its "usual" is named, and told apart from the workload ratio's.
        assert "times the load of your median week over the last 12 weeks" in insight.text
        assert "the workload ratio measures it against your average week over the last 4" in (
            insight.text
        )


def test_heavy_after_high_load_needs_a_week_of_diary() -> None:
    runs = [load_run(n, 100 * (n + 1), heaviness=9) for n in range(7)]
    assert apply(insights.rule_heavy_after_high_load, runs) is None


# Everything together.


def busy_diary() -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    """A diary that sets off many rules: four quiet weeks, then a big, sleepless, heavy one."""
    runs = [run(n, km=5, minutes=30, rpe=3, heaviness=3, warm_up=0) for n in range(8, 36, 2)]
    runs += [run(n, km=12, minutes=70, rpe=7, heaviness=7, warm_up=0) for n in range(8)]
    runs[-1] = run(0, km=30, minutes=180, rpe=8, kind="long", heaviness=8, warm_up=0)
    runs[-2] = run(1, km=20, minutes=120, rpe=7, kind="long", heaviness=8, warm_up=0)
    checkins = [checkin(n, sleep=5.5, heaviness=6) for n in range(7)]
    return runs, checkins


def test_build_insights_of_an_empty_diary_is_empty() -> None:
    assert build_insights(runs=[], checkins=[], today=TODAY) == []


def test_build_insights_with_a_single_entry_does_not_fail() -> None:
    assert isinstance(build_insights(runs=[run(0)], checkins=[], today=TODAY), list)
    assert build_insights(runs=[], checkins=[checkin(0)], today=TODAY) == []


def test_build_insights_with_zero_distances_and_loads_does_not_fail() -> None:
    runs = [run(n, km=0, minutes=0, rpe=0) for n in range(30)]
    assert isinstance(build_insights(runs=runs, checkins=[], today=TODAY), list)


def test_build_insights_orders_by_severity() -> None:
    runs, checkins = busy_diary()
    found = build_insights(runs=runs, checkins=checkins, today=TODAY)
    levels = [insight.level for insight in found]
    assert levels == sorted(levels, key=insights.SEVERITY.index)
    assert Level.WARNING in levels
    assert Level.NOTE in levels
    assert {"running_streak", "long_runs_without_rest", "sleep_average"} <= {i.key for i in found}


def test_build_insights_puts_the_red_flag_first() -> None:
    runs, checkins = heavy_fortnight([7] * 14)
    runs += [run(n, km=1) for n in range(14, 40)]
    found = build_insights(runs=runs, checkins=checkins, today=TODAY)
    assert found[0].key == "heaviness_red_flag"
    assert len(found) > 1


def test_build_insights_does_not_depend_on_input_order() -> None:
    runs, checkins = busy_diary()
    forwards = build_insights(runs=runs, checkins=checkins, today=TODAY)
    backwards = build_insights(runs=runs[::-1], checkins=checkins[::-1], today=TODAY)
    assert forwards == backwards


def test_build_insights_ignores_entries_dated_after_today() -> None:
    future = [run(-n, km=50, heaviness=9) for n in range(1, 10)]
    assert build_insights(runs=future, checkins=[checkin(-1, rest=True)], today=TODAY) == []


def test_rules_accept_one_shot_iterables() -> None:
    runs, checkins = busy_diary()
    for rule in insights.RULES:
        once = rule(runs=iter(runs), checkins=iter(checkins), today=TODAY)
        assert once == rule(runs=runs, checkins=checkins, today=TODAY), rule.__name__


def test_insights_are_frozen() -> None:
    runs, checkins = busy_diary()
    insight = build_insights(runs=runs, checkins=checkins, today=TODAY)[0]
    with pytest.raises(AttributeError):
        insight.level = Level.GOOD  # type: ignore[misc]


# Wording.


def every_insight() -> list[Insight]:
    """At least one insight from every rule, from the scenarios above."""
    found = [*build_insights(runs=busy_diary()[0], checkins=busy_diary()[1], today=TODAY)]
    scenarios = [
        (insights.rule_weekly_distance_increase, [run(0, km=24), run(9, km=20)], []),
        (insights.rule_two_week_distance_increase, [run(0, km=30), run(17, km=20)], []),
        (insights.rule_long_run_jump, [run(0, km=30), run(17, km=20)], []),
        *((insights.rule_workload_ratio, ratio_runs(a, b), []) for a, b in SCENARIO_RATIOS),
        (insights.rule_running_streak, [run(n) for n in range(7)], []),
        (insights.rule_long_runs_without_rest, [run(0, kind="long"), run(1, kind="long")], []),
        (insights.rule_monotony, week_of_loads([60] * 7), []),
        (insights.rule_monotony, week_of_loads([80, 20, 30, 50, 30, 50, 30]), []),
        (insights.rule_sleep_average, [], [checkin(n, sleep=6) for n in range(3)]),
        (insights.rule_sleep_average, [], [checkin(n, sleep=8) for n in range(3)]),
        (insights.rule_warm_up_share, [run(n, warm_up=0) for n in range(5)], []),
        (insights.rule_warm_up_share, [run(n) for n in range(5)], []),
        (insights.rule_cool_down_share, [run(n, cool_down=0) for n in range(5)], []),
        (insights.rule_cool_down_share, [run(n) for n in range(5)], []),
        (insights.rule_heaviness_trend, *two_weeks(6, 3, now_load=150)),
        (insights.rule_heaviness_trend, *two_weeks(6, 3)),
        (insights.rule_heaviness_trend, *two_weeks(2, 5)),
        (insights.rule_heaviness_red_flag, *heavy_fortnight([6] * 14)),
        (insights.rule_heavy_after_short_sleep, [], sleep_sides([6] * 5, [3] * 5)),
        (
            insights.rule_heavy_without_warm_up,
            [run(n, warm_up=0, heaviness=6) for n in range(5)]
            + [run(10 + n, heaviness=2) for n in range(5)],
            [],
        ),
        (insights.rule_heavy_after_high_load, *load_diary(1000)),
        (insights.rule_cadence, [run(n, cadence=150) for n in range(3)], []),
    ]
    for rule, runs, checkins in scenarios:
        insight = apply(rule, runs, checkins)
        assert insight is not None, rule.__name__
        found.append(insight)
    return found


SCENARIO_RATIOS = [(38, 62), (33, 67), (1, 3), (19, 81)]


def test_every_rule_is_covered_by_the_wording_scenarios() -> None:
    rule_names = {rule.__name__.removeprefix("rule_") for rule in insights.RULES}
    assert rule_names == {insight.key for insight in every_insight()}
    assert {insight.level for insight in every_insight()} == set(Level)


def test_no_insight_says_causes() -> None:
    for insight in every_insight():
        assert "cause" not in f"{insight.title} {insight.text} {insight.basis}".lower()


def test_every_insight_gives_its_reason_as_an_association() -> None:
    for insight in every_insight():
        if (insight.key, insight.level) == ("heaviness_trend", Level.GOOD):
            continue  # "your legs felt lighter" claims no link
        assert "associated with" in insight.text, insight.key


def test_every_insight_is_complete() -> None:
    for insight in every_insight():
        assert insight.level in insights.SEVERITY
        assert insight.title
        assert insight.text.endswith(".")
        assert insight.basis.startswith("Based on ")
        assert insight.tip_slug is None or insight.tip_slug in insights.TIP_SLUGS


def test_tip_slugs_are_published_tips_in_the_catalogue() -> None:
    catalogue = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue.json"
    tips = {
        item["fields"]["slug"]
        for item in json.loads(catalogue.read_text(encoding="utf-8"))
        if item["model"] == "legs.tip" and item["fields"].get("is_published", True)
    }
    assert set(insights.TIP_SLUGS) <= tips


# Distances in the member's unit.


def test_distance_insights_quote_miles_for_a_member_who_prefers_miles() -> None:
    runs = [run(0, km=24.0), run(9, km=20.0)]
    insight = insights.rule_weekly_distance_increase(runs=runs, checkins=[], today=TODAY, unit="mi")
    assert insight is not None
    assert "14.9 mi" in insight.text
    assert "12.4 mi" in insight.text
    assert " km" not in insight.text


def test_build_insights_passes_the_unit_to_every_rule_that_quotes_a_distance() -> None:
    runs = [run(0, km=30), run(3, km=10), run(9, km=10), run(17, km=10)]
    texts = [i.text for i in build_insights(runs=runs, checkins=[], today=TODAY, unit="mi")]
    distance_texts = [
        i.text for i in build_insights(runs=runs, checkins=[], today=TODAY) if " km" in i.text
    ]
    assert len(distance_texts) == 3
    assert not any(" km" in text for text in texts)
    assert sum(bool(re.search(r"\d mi\b", text)) for text in texts) == 3


# Imported runs: effort and heaviness may be missing (never guessed); cadence may be there.


def test_runs_without_an_effort_rating_add_no_load_and_the_load_rules_say_how_many():
    rated = ratio_runs(38, 62)
    unrated = [run(n, rpe=None) for n in (1, 3)]
    insight = insights.rule_workload_ratio(runs=rated + unrated, checkins=[], today=TODAY)
    alone = insights.rule_workload_ratio(runs=rated, checkins=[], today=TODAY)
    assert insight.text == alone.text
    assert insight.basis.endswith(
        "2 runs without an effort rating are left out: rate them on your diary page."
    )
    assert "left out" not in alone.basis


def test_runs_without_heaviness_are_counted_in_the_warm_up_comparison():
    runs = (
        [run(n, warm_up=0, heaviness=6) for n in range(5)]
        + [run(10 + n, heaviness=2) for n in range(5)]
        + [run(20, heaviness=None)]
    )
    insight = insights.rule_heavy_without_warm_up(runs=runs, checkins=[], today=TODAY)
    assert "1 run without a heaviness rating is left out" in insight.basis


def test_cadence_below_160_suggests_quick_light_steps_with_the_form_tip():
    runs = [run(n, cadence=150) for n in range(3)] + [run(4)]
    insight = insights.rule_cadence(runs=runs, checkins=[], today=TODAY)
    assert insight.level == Level.NOTE
    assert insight.tip_slug == insights.TIP_FORM
    assert "averaged 150 steps a minute" in insight.text
    assert "around 158 a minute" in insight.text
    assert "You might try" in insight.text
    assert insight.basis == (
        "Based on the cadence your watch recorded on 3 runs over the last 28 days "
        "(1 run without one)."
    )


@pytest.mark.parametrize(
    "runs",
    [
        [run(n, cadence=172) for n in range(5)],  # quick enough already
        [run(n, cadence=150) for n in range(2)],  # too few runs with a cadence
        [run(n, cadence=150) for n in range(30, 33)],  # older than 4 weeks
    ],
)
def test_cadence_stays_quiet_when_quick_or_on_too_little_data(runs):
    assert insights.rule_cadence(runs=runs, checkins=[], today=TODAY) is None


def test_this_week_is_the_most_severe_insight_with_a_tip_and_never_a_good_one() -> None:
    def insight(key: str, level: Level, tip: str | None) -> Insight:
        return Insight(key=key, level=level, title=key, text="", tip_slug=tip)

    red_without_tip = insight("red", Level.RED_FLAG, None)
    warning = insight("warning", Level.WARNING, "rest-days")
    note = insight("note", Level.NOTE, "get-enough-sleep")
    good = insight("good", Level.GOOD, "get-enough-sleep")
    assert insights.this_week([red_without_tip, warning, note, good]) is warning
    assert insights.this_week([note, good]) is note
    assert insights.this_week([red_without_tip, good]) is None
    assert insights.this_week([]) is None
