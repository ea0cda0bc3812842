"""The SVG charts' geometry: real scales, labelled axes, text alternatives, empty states."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.template import Context, Template

from legs import charts
from legs.charts import PeriodTotal, RatioPoint, SleepPoint, nice_ticks

MONDAY = date(2026, 1, 5)


def weeks(
    distances: list[float],
    heaviness: list[float | None] | None = None,
    waking: list[float | None] | None = None,
) -> list[PeriodTotal]:
    heaviness = heaviness or [None] * len(distances)
    waking = waking or [None] * len(distances)
    return [
        PeriodTotal(MONDAY + timedelta(weeks=n), km, h, w)
        for n, (km, h, w) in enumerate(zip(distances, heaviness, waking, strict=True))
    ]


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (37, [0, 10, 20, 30, 40]),
        (9.2, [0, 2, 4, 6, 8, 10]),
        (2.0, [0, 0.5, 1.0, 1.5, 2.0]),
        (0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (120, [0, 25, 50, 75, 100, 125]),
    ],
)
def test_ticks_are_round_numbers_from_zero_past_the_maximum(maximum, ticks) -> None:
    assert nice_ticks(maximum) == pytest.approx(ticks)


def test_weekly_bars_stand_on_a_real_scale_with_labelled_axes() -> None:
    chart = charts.distance_chart(weeks([0] * 10 + [20, 40], [None] * 10 + [3, 6]), "km")
    assert [tick.label for tick in chart.y_ticks] == ["0", "10", "20", "30", "40"]
    assert [tick.label for tick in chart.y2_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert chart.y_title == "Distance (km)"
    assert chart.x_title == "Week starting"  # short enough to read at 390 px
    bars = chart.marks["bars"]
    assert len(bars) == 12
    assert float(bars[-1]["height"]) == pytest.approx(2 * float(bars[-2]["height"]))
    assert float(bars[-1]["y"]) == pytest.approx(charts.TOP)  # 40 km reaches the top tick
    assert float(bars[0]["height"]) == 0
    assert len(chart.marks["runs_points"]) == 2
    assert chart.marks["runs_paths"] == [chart.marks["runs_paths"][0]]
    assert chart.marks["waking_points"] == []
    assert chart.x_ticks[0].label == "5 Jan"
    assert "This week so far: 40.0 km, heaviness 6.0 out of 10 during runs." in chart.description
    assert chart.table_rows[-1] == ["23 Mar", "40.0", "6.0", ""]


def test_heaviness_during_runs_and_on_waking_are_two_labelled_series() -> None:
    """A week with a run at 8/10 and a waking 3/10 is not one 5.5: each has its own line."""
    chart = charts.distance_chart(weeks([10] * 12, [8] * 12, [3] * 12), "km")
    assert chart.table_head[2:] == ["Heaviness during runs (0-10)", "Heaviness on waking (0-10)"]
    assert chart.table_rows[-1] == ["23 Mar", "10.0", "8.0", "3.0"]
    assert chart.marks["runs_points"][-1]["label"] == "8.0/10 during runs"
    assert chart.marks["waking_points"][-1]["label"] == "3.0/10 on waking"
    assert float(chart.marks["runs_points"][-1]["cy"]) < float(
        chart.marks["waking_points"][-1]["cy"]
    )
    assert "heaviness 8.0 out of 10 during runs and 3.0 on waking" in chart.description
    assert "5.5" not in str(chart.table_rows)


def test_months_and_years_name_their_bars_and_titles() -> None:
    months = [PeriodTotal(date(2025, n, 1), 10.0 * n) for n in range(1, 13)]
    chart = charts.distance_chart(months, "km", period="month", span_title="whole diary")
    assert chart.title == "Distance per month and leg heaviness, whole diary"
    assert chart.x_title == "Month"
    assert chart.x_ticks[0].label == "Jan 2025"
    assert "This month so far: 120.0 km, no heaviness logged." in chart.description
    years = [PeriodTotal(date(2019 + n, 1, 1), 500.0) for n in range(7)]
    chart = charts.distance_chart(years, "mi", period="year", span_title="whole diary")
    assert chart.table_rows[0][0] == "2019"
    assert "the busiest year was 2019 with 500.0 mi" in chart.description


def test_weekly_chart_in_miles_labels_its_axis_in_miles() -> None:
    chart = charts.distance_chart(weeks([3.1] * 12), "mi")
    assert chart.y_title == "Distance (mi)"
    assert chart.table_head[1] == "Distance (mi)"


def test_a_heaviness_line_breaks_where_weeks_have_no_entry() -> None:
    heaviness = [2, 3, None, 4, 5, None, None, 6, None, None, None, None]
    chart = charts.distance_chart(weeks([5] * 12, heaviness), "km")
    assert len(chart.marks["runs_paths"]) == 3


def test_the_ratio_chart_draws_the_sweet_spot_band_and_the_warning_line() -> None:
    points = [RatioPoint(MONDAY + timedelta(days=n), None if n < 20 else 1.0) for n in range(56)]
    chart = charts.ratio_chart(points)
    band = chart.marks["band"]
    top = nice_ticks(2.0, count=4)[-1]
    assert float(band["y"]) == pytest.approx(charts._y(1.3, top), abs=0.1)
    assert float(band["height"]) == pytest.approx(0.5 / top * charts.PLOT_HEIGHT, abs=0.1)
    assert float(chart.marks["warning"]["y"]) == pytest.approx(charts._y(1.5, top), abs=0.1)
    assert len(chart.marks["paths"]) == 1
    assert "inside the sweet spot" in chart.description
    assert len(chart.table_rows) == 36


def test_the_ratio_chart_waits_for_four_weeks_of_runs() -> None:
    chart = charts.ratio_chart([RatioPoint(MONDAY, None)])
    assert "appears once your diary has 4 weeks of runs" in chart.empty


def test_the_sleep_scatter_puts_each_morning_on_both_scales() -> None:
    points = [SleepPoint(MONDAY, 5.5, 8), SleepPoint(MONDAY + timedelta(days=1), 8, 2)]
    chart = charts.sleep_chart(points)
    assert [tick.label for tick in chart.x_ticks][:2] == ["4", "5"]
    assert chart.x_ticks[-1].label == "10"
    dots = chart.marks["points"]
    assert float(dots[0]["cy"]) < float(dots[1]["cy"])  # heavier is higher
    assert float(dots[0]["cx"]) < float(dots[1]["cx"])  # less sleep is further left
    assert "After under 7 hours, heaviness averaged 8.0 out of 10 (1 morning)." in (
        chart.description
    )


@pytest.mark.parametrize(
    "tag",
    ["distance_chart data 'km'", "workload_ratio_chart data", "sleep_heaviness_chart data"],
)
def test_an_empty_chart_says_what_to_log_instead_of_drawing_empty_axes(tag) -> None:
    html = Template("{% load charts %}{% " + tag + " %}").render(Context({"data": []}))
    assert "<svg" not in html
    assert "chart-empty" in html


def test_a_drawn_chart_has_its_text_alternative_and_table_and_no_inline_style() -> None:
    html = Template("{% load charts %}{% distance_chart data 'km' %}").render(
        Context({"data": weeks([5] * 12, [3] * 12)})
    )
    assert 'role="img"' in html
    assert '<title id="chart-weekly-title">' in html
    assert '<desc id="chart-weekly-desc">Bars show the distance run each week' in html
    assert "<table" in html
    assert "<details" in html
    assert "style=" not in html


# Spans: how far back the dashboard's charts look, and how many bars that draws.

TODAY = date(2026, 3, 18)  # a Wednesday


@pytest.mark.parametrize(("key", "bars"), [("12w", 12), ("6m", 26), ("1y", 52)])
def test_spans_up_to_a_year_draw_weekly_bars_ending_this_week(key, bars) -> None:
    period, starts = charts.span_bars(charts.SPANS[key], TODAY, None)
    assert period == "week"
    assert len(starts) == bars
    assert starts[-1] == date(2026, 3, 16)
    assert all(start.weekday() == 0 for start in starts)


@pytest.mark.parametrize(
    ("first_day", "period", "bars", "first"),
    [
        (date(2025, 11, 20), "month", 5, date(2025, 11, 1)),
        (date(2021, 4, 2), "month", 60, date(2021, 4, 1)),
        (date(2021, 3, 31), "year", 6, date(2021, 1, 1)),
        (date(2001, 6, 1), "year", 26, date(2001, 1, 1)),
    ],
)
def test_the_whole_diary_draws_months_then_years_never_over_sixty_bars(
    first_day, period, bars, first
) -> None:
    got_period, starts = charts.span_bars(charts.SPANS["all"], TODAY, first_day)
    assert (got_period, len(starts), starts[0]) == (period, bars, first)
    assert len(starts) <= charts.MAX_BARS


def test_the_workload_ratio_is_daily_over_twelve_weeks_and_weekly_beyond() -> None:
    daily = charts.ratio_days(charts.SPANS["12w"], TODAY, None)
    assert (len(daily), daily[-1], daily[0]) == (84, TODAY, TODAY - timedelta(days=83))
    weekly = charts.ratio_days(charts.SPANS["1y"], TODAY, None)
    assert len(weekly) == 52
    assert {later - earlier for earlier, later in itertools.pairwise(weekly)} == {timedelta(7)}
    chart = charts.ratio_chart([RatioPoint(day, 1.0) for day in weekly], "last year")
    assert chart.title == "Workload ratio, last year"
    assert "at the end of each week" in chart.description
    assert len(chart.x_ticks) <= 8


def test_the_totals_chart_draws_at_most_sixty_months() -> None:
    months = charts.recent_months(TODAY, date(2015, 1, 1))
    assert len(months) == charts.MAX_BARS
    assert months[-1] == date(2026, 3, 1)
    assert charts.recent_months(TODAY, date(2026, 1, 1)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]


@pytest.mark.parametrize("count", [12, 26, 52])
def test_a_chart_labels_only_a_few_weeks_so_the_labels_fit_a_phone(count) -> None:
    chart = charts.distance_chart(weeks([5] * count), "km")
    assert 3 <= len(chart.x_ticks) <= charts.X_LABELS
    days = [RatioPoint(MONDAY + timedelta(days=n), 1.0) for n in range(count * 7)]
    assert len(charts.ratio_chart(days).x_ticks) <= charts.X_LABELS + 1


def test_each_bar_and_point_names_its_value_for_a_tap_or_the_focus() -> None:
    chart = charts.distance_chart(weeks([10] * 12, [8] * 12, [None] * 11 + [3]), "km")
    assert chart.marks["bars"][-1]["label"] == (
        "Week of 23 Mar: 10.0 km, heaviness 8.0 out of 10 during runs and 3.0 on waking"
    )
    points = [RatioPoint(MONDAY + timedelta(days=n), None if n < 28 else 1.25) for n in range(30)]
    marks = charts.ratio_chart(points).marks["points"]
    assert [mark["label"] for mark in marks] == ["2 Feb: ratio 1.25", "3 Feb: ratio 1.25"]
