"""The diary's models: integrity in the database, and the querysets the pages read through."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from legs.insights import WINDOW_DAYS, session_load
from legs.models import CheckIn, Run
from tests.factories import CheckInFactory, RunFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "values",
    [
        {"distance_km": Decimal("0")},
        {"distance_km": Decimal("500.001")},
        {"duration": timedelta(0)},
        {"duration": timedelta(hours=48, seconds=1)},
        {"date": date(1899, 12, 31)},
        {"rpe": 11},
        {"leg_heaviness": 11},
        {"warm_up_minutes": 241},
        {"water_ml": 10_001},
        {"pain_score": 11},
    ],
)
def test_the_database_refuses_a_run_out_of_range_even_without_the_forms(values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RunFactory(**values)


@pytest.mark.parametrize(
    "values",
    [
        {"sleep_hours": Decimal("24.25")},
        {"leg_heaviness": 11},
        {"soreness": 0},
        {"fatigue": 8},
        {"stress": 8},
        {"iron_rich_meals": 11},
    ],
)
def test_the_database_refuses_a_checkin_out_of_range(values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckInFactory(**values)


def test_the_database_allows_one_checkin_per_member_per_day() -> None:
    first = CheckInFactory()
    CheckInFactory(date=first.date)  # another member, same day: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckInFactory(user=first.user, date=first.date)


def test_entries_are_read_through_their_owner_and_within_the_insight_window() -> None:
    member = UserFactory()
    today = date(2026, 3, 1)
    inside = RunFactory(user=member, date=today - timedelta(days=WINDOW_DAYS - 1))
    RunFactory(user=member, date=today - timedelta(days=WINDOW_DAYS))
    RunFactory(user=member, date=today + timedelta(days=1))
    RunFactory(date=today)
    assert list(Run.objects.for_user(member).in_window(today)) == [inside]


def test_weekly_totals_sum_distance_and_heaviness_by_monday() -> None:
    member = UserFactory()
    monday = date(2026, 2, 23)
    RunFactory(user=member, date=monday, distance_km=Decimal("5.5"), leg_heaviness=2)
    RunFactory(user=member, date=monday + timedelta(days=6), distance_km=Decimal("4.5"))
    RunFactory(user=member, date=monday + timedelta(days=7), distance_km=Decimal("8"))
    run = Run.objects.filter(user=member, date=monday + timedelta(days=6)).get()
    run.leg_heaviness = None
    run.save()
    CheckInFactory(user=member, date=monday + timedelta(days=1), leg_heaviness=6)
    runs = Run.objects.for_user(member).totals("week", monday, monday + timedelta(days=13))
    assert list(runs) == [monday + timedelta(days=7), monday]  # newest first
    assert runs[monday] == {
        "km": Decimal("10.000"),
        "time": timedelta(hours=1),
        "runs": 2,
        "heaviness": 2,
    }
    assert runs[monday + timedelta(days=7)]["km"] == Decimal("8.000")
    checkins = CheckIn.objects.for_user(member).totals("week", monday, monday + timedelta(days=6))
    assert checkins == {monday: {"checkins": 1, "heaviness": 6}}


def test_pace_and_load_of_a_run() -> None:
    run = Run(distance_km=Decimal("10"), duration=timedelta(minutes=50), rpe=5)
    assert run.pace_seconds("km") == 300
    assert session_load(run) == 250


def test_months_and_years_are_the_month_and_year_totals_from_one_query(
    django_assert_num_queries,
) -> None:
    member = UserFactory()
    for day, km, heaviness in [
        (date(2024, 12, 31), "3.25", 4),
        (date(2025, 1, 2), "5.5", None),
        (date(2025, 1, 9), "4.5", 7),
        (date(2025, 3, 1), "10", 2),
        (date(2025, 3, 2), "1.125", 3),
    ]:
        RunFactory(user=member, date=day, distance_km=Decimal(km), leg_heaviness=heaviness)
    for day, heaviness in [(date(2025, 1, 3), 5), (date(2025, 2, 4), 2), (date(2025, 3, 5), 6)]:
        CheckInFactory(user=member, date=day, leg_heaviness=heaviness)
    unrated = Run.objects.filter(user=member, date=date(2025, 1, 2)).get()
    unrated.leg_heaviness = None
    unrated.save()
    end = date(2025, 3, 4)
    for model in (Run, CheckIn):
        entries = model.objects.for_user(member)
        with django_assert_num_queries(1):
            months, years = entries.months_and_years(end)
        assert months == entries.totals("month", end=end)
        assert years == entries.totals("year", end=end)
    runs_2025 = Run.objects.for_user(member).months_and_years(end)[1][date(2025, 1, 1)]
    assert runs_2025["km"] == Decimal("21.125")
    assert runs_2025["heaviness"] == 4  # (7 + 2 + 3) / 3: the unrated run is not counted
