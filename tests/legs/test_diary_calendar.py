"""The month calendar, the totals page and the dashboard's chart spans: who sees what, the
numbers they show and HTMX fragments (their query counts are with the diary's others in
test_diary_views.py)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from legs import diary_calendar
from legs.models import CheckIn, Run
from legs.models.diary import member_today
from tests.factories import CheckInFactory, RunFactory, UserFactory
from tests.legs.test_diary_views import fill_diary, quick_run

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def page_of(client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def month_param(day: date) -> str:
    return f"{reverse('diary_calendar')}?month={day:%Y-%m}"


# The month: which one, and what a bad ?month= does.


@pytest.mark.parametrize(
    ("asked", "shown", "problem"),
    [
        (None, date(2026, 3, 1), ""),
        ("2025-11", date(2025, 11, 1), ""),
        ("2025-13", date(2026, 3, 1), "is not a month"),
        ("March", date(2026, 3, 1), "is not a month"),
        ("2026-04", date(2026, 3, 1), "has not started yet"),
        ("1899-12", date(2026, 3, 1), "starts in 1900"),
        ("99999-01", date(2026, 3, 1), "is not a month"),
    ],
)
def test_a_month_is_chosen_from_the_query_or_this_month_with_a_reason(asked, shown, problem):
    choice = diary_calendar.choose_month(asked, date(2026, 3, 18))
    assert choice.first == shown
    assert problem in choice.problem
    assert bool(choice.problem) == bool(problem)


def test_the_grid_runs_monday_to_sunday_around_the_month():
    assert diary_calendar.grid_bounds(date(2026, 3, 1)) == (date(2026, 2, 23), date(2026, 4, 5))
    assert diary_calendar.grid_bounds(date(2021, 2, 1)) == (date(2021, 2, 1), date(2021, 2, 28))


@pytest.mark.parametrize(
    ("value", "css", "words"),
    [(0, "light", "light"), (2, "light", "light"), (3, "noticeable", "noticeably heavy")]
    + [(5, "heavy", "heavy"), (6.5, "very-heavy", "very heavy"), (None, "none", "not noted")],
)
def test_each_heaviness_band_has_a_colour_and_words(value, css, words):
    band = diary_calendar.heaviness_band(value)
    assert band.css == css
    assert words in band.words


@pytest.mark.parametrize("month", ["2025-13", "nonsense", "0000-01", "2999-01", "%00", "9" * 40])
def test_a_bad_month_shows_this_month_and_says_why_never_an_error(member_client, member, month):
    page = page_of(member_client, f"{reverse('diary_calendar')}?month={month}")
    assert "Showing this month instead." in page
    assert member_today(member).strftime("%B %Y") in page


# Who sees what.


@pytest.mark.parametrize("name", ["diary_calendar", "diary_totals"])
def test_visitor_is_sent_to_log_in_from_the_calendar_and_totals(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ["diary_calendar", "diary_totals"])
def test_another_members_entries_never_appear_in_the_calendar_or_totals(
    member_client, member, other_member, name
):
    today = member_today(member)
    RunFactory(user=member, date=today, distance_km=Decimal("7.000"))
    RunFactory(user=other_member, date=today, distance_km=Decimal("33.300"), leg_heaviness=9)
    CheckInFactory(user=other_member, date=today, sleep_hours=Decimal("3.25"))
    page = page_of(member_client, reverse(name))
    assert "7.0" in page
    assert "33.3" not in page
    assert "9/10" not in page
    assert "3.25" not in page


# The calendar.


def test_each_day_shows_its_runs_with_heaviness_in_colour_and_words_and_a_checkin_mark(
    member_client, member
):
    member.units = "mi"
    member.save()
    today = member_today(member)
    RunFactory(user=member, date=today, distance_km=Decimal("4.9889664"), leg_heaviness=6)
    CheckInFactory(user=member, date=today, sleep_hours=Decimal("7.50"), leg_heaviness=2)
    page = page_of(member_client, reverse("diary_calendar"))
    day = re.search(
        rf'id="day-{today:%Y-%m-%d}" class="calendar-day is-today".*?</details>', page, re.S
    ).group(0)
    assert "3.10 mi" in day
    assert 'class="day-run heaviness-heavy"' in day
    assert "6/10" in day
    assert "legs heavy" in day  # the colour's words, for screen readers and print
    assert "check-in" in day
    assert "slept 7.5 h, 2/10 on waking" in day
    assert f'href="{reverse("checkin_edit", args=[CheckIn.objects.get().pk])}"' in day


def test_a_day_offers_to_add_a_run_and_check_in_on_that_day(member_client, member):
    today = member_today(member)
    earlier = today.replace(day=1) if today.day > 1 else today
    page = page_of(member_client, reverse("diary_calendar"))
    assert f"{reverse('run_create')}?date={earlier:%Y-%m-%d}" in page
    assert f"{reverse('checkin_create')}?date={earlier:%Y-%m-%d}" in page
    tomorrow = today + timedelta(days=1)
    assert f"?date={tomorrow:%Y-%m-%d}" not in page  # no adding to days still to come


def test_add_a_run_and_check_in_open_prefilled_with_the_day(member_client, member):
    day = member_today(member) - timedelta(days=9)
    run_form = page_of(member_client, f"{reverse('run_create')}?date={day:%Y-%m-%d}")
    assert f'name="date" value="{day:%Y-%m-%d}"' in run_form
    checkin_form = page_of(member_client, f"{reverse('checkin_create')}?date={day:%Y-%m-%d}")
    assert f'name="date" value="{day:%Y-%m-%d}"' in checkin_form


def test_check_in_for_a_day_that_has_one_edits_it(member_client, member):
    day = member_today(member) - timedelta(days=3)
    CheckInFactory(user=member, date=day, sleep_hours=Decimal("6.75"))
    page = page_of(member_client, f"{reverse('checkin_create')}?date={day:%Y-%m-%d}")
    assert "You have already checked in on" in page
    assert 'value="6.75"' in page


@pytest.mark.parametrize("asked", ["tomorrow", "2999-01-01", "1850-01-01", "2025-02-30"])
def test_a_date_that_is_not_a_past_day_leaves_the_form_on_today(member_client, member, asked):
    today = member_today(member)
    for name in ("run_create", "checkin_create"):
        page = page_of(member_client, f"{reverse(name)}?date={asked}")
        assert f'name="date" value="{today:%Y-%m-%d}"' in page


def test_the_weekly_totals_column_sums_distance_time_runs_and_run_heaviness(member_client):
    member = UserFactory()
    member_client.force_login(member)
    monday = date(2025, 3, 3)
    RunFactory(user=member, date=monday, distance_km=Decimal("10.000"), leg_heaviness=2)
    RunFactory(
        user=member,
        date=monday + timedelta(days=6),
        distance_km=Decimal("5.500"),
        duration=timedelta(minutes=45),
        leg_heaviness=6,
    )
    CheckInFactory(user=member, date=monday, leg_heaviness=9)  # waking heaviness is not counted
    RunFactory(user=member, date=monday + timedelta(days=7), distance_km=Decimal("99.000"))
    page = page_of(member_client, month_param(monday))
    week = re.search(
        r"Week of 3 March.*?</li>\s*</ol>\s*<div class=\"week-totals\">.*?</div>", page, re.S
    )
    totals = week.group(0).split('class="week-totals"')[1]
    assert "15.5 km" in totals
    assert "1:15:00" in totals
    assert "2 runs" in totals
    assert "legs 4.0/10" in totals
    assert "99" not in totals


def test_previous_and_next_month_are_links_that_htmx_swaps_and_pushes(member_client, member):
    today = member_today(member)
    page = page_of(member_client, month_param(date(2025, 3, 1)))
    assert 'href="?month=2025-02"' in page
    assert 'hx-get="?month=2025-04"' in page
    assert page.count('hx-push-url="true"') >= 2
    this_month = page_of(member_client, reverse("diary_calendar"))
    assert f'href="?month={today.replace(day=1) - timedelta(days=1):%Y-%m}"' in this_month
    assert 'rel="next"' not in this_month  # the future holds no entries


def test_htmx_gets_only_the_month_fragment_and_the_status_out_of_band(member_client):
    response = member_client.get(month_param(date(2025, 3, 1)), headers=HTMX)
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith('<section id="calendar-month"')
    assert 'id="calendar-status" hx-swap-oob="innerHTML"' in content
    assert "March 2025: nothing logged" in content
    assert "HX-Request" in response["Vary"]
    full = member_client.get(month_param(date(2025, 3, 1)))
    assert "<html" in full.content.decode()
    assert "HX-Request" in full["Vary"]


def test_an_empty_month_says_so_and_offers_the_import(member_client):
    page = page_of(member_client, month_param(date(2024, 7, 1)))
    assert "Nothing logged in July 2024." in page
    assert f'href="{reverse("diary_import")}"' in page
    assert "GPX, TCX or FIT files from your watch, your whole Strava export, or a CSV" in page


# The totals page.


def test_totals_per_week_month_and_year_newest_first(member_client, member):
    member_client.force_login(member)
    today = member_today(member)
    this_year = today.year
    RunFactory(user=member, date=date(this_year - 2, 6, 10), distance_km=Decimal("10.000"))
    RunFactory(
        user=member,
        date=date(this_year - 2, 6, 12),
        distance_km=Decimal("12.000"),
        duration=timedelta(hours=1),
        leg_heaviness=7,
    )
    RunFactory(user=member, date=today, distance_km=Decimal("8.000"), leg_heaviness=1)
    CheckInFactory(user=member, date=today, leg_heaviness=5)
    page = page_of(member_client, reverse("diary_totals"))
    years = page.split("Years</h2>")[1]
    assert years.index(f">{this_year}<") < years.index(f">{this_year - 2}<")
    older = re.search(rf">{this_year - 2}</a></th>(.*?)</tr>", years, re.S).group(1)
    assert "22.0 km" in older
    assert "1:30:00" in older
    assert ">2<" in older
    assert "5.0/10" in older  # the runs' mean heaviness (3 and 7)
    months = page.split("Months</h2>")[1].split("Years</h2>")[0]
    assert f"June {this_year - 2}" in months
    weeks = page.split("Weeks of the last year</h2>")[1].split("Months</h2>")[0]
    assert str(this_year - 2) not in weeks  # only the last year's weeks
    assert "1.0/10" in weeks
    assert "5.0/10" in weeks  # waking heaviness, in its own column
    assert 'id="chart-monthly"' in page
    assert "Distance per month and leg heaviness, since" in page


def test_totals_of_an_empty_diary_offer_the_import(member_client):
    page = page_of(member_client, reverse("diary_totals"))
    assert "nothing to add up" in page
    assert f'href="{reverse("diary_import")}"' in page
    assert "GPX, TCX or FIT files from your watch, your Strava export, or a CSV" in page
    assert "<svg" not in page


@pytest.mark.parametrize("period", ["week", "month"])
def test_week_and_month_totals_start_on_monday_and_the_first(period):
    member = UserFactory()
    sunday, monday = date(2025, 3, 2), date(2025, 3, 3)
    RunFactory(user=member, date=sunday, distance_km=Decimal("1.000"))
    RunFactory(user=member, date=monday, distance_km=Decimal("2.000"))
    RunFactory(user=member, date=date(2025, 2, 28), distance_km=Decimal("4.000"))
    totals = Run.objects.for_user(member).totals(period)
    if period == "week":
        assert {day: row["km"] for day, row in totals.items()} == {
            monday: Decimal("2.000"),
            date(2025, 2, 24): Decimal("5.000"),
        }
    else:
        assert {day: row["km"] for day, row in totals.items()} == {
            date(2025, 3, 1): Decimal("3.000"),
            date(2025, 2, 1): Decimal("4.000"),
        }


# The dashboard's spans.


@pytest.mark.parametrize(
    ("span", "bars", "title"),
    [
        ("12w", 12, "Distance per week and leg heaviness, last 12 weeks"),
        ("6m", 26, "Distance per week and leg heaviness, last 6 months"),
        ("1y", 52, "Distance per week and leg heaviness, last year"),
        ("all", None, "Distance per month and leg heaviness, whole diary"),
        ("forever", 12, "Distance per week and leg heaviness, last 12 weeks"),
    ],
)
def test_the_dashboard_charts_cover_the_span_asked_for(client, span, bars, title):
    member = UserFactory()
    fill_diary(member, 3 * 365)
    today = member_today(member)
    first = today - timedelta(days=3 * 365 - 1)
    months = (today.year - first.year) * 12 + today.month - first.month + 1
    client.force_login(member)
    page = page_of(client, f"{reverse('diary')}?span={span}")
    chart = re.search(r'id="chart-weekly">.*?</figure>', page, re.S).group(0)
    assert title in chart
    assert chart.count("<rect ") == (months if span == "all" else bars)
    assert f'aria-current="true" hx-get="?span={span if span != "forever" else "12w"}"' in page


def test_the_whole_diary_of_more_than_five_years_draws_a_bar_a_year(client):
    member = UserFactory()
    RunFactory(user=member, date=member_today(member) - timedelta(days=8 * 365))
    RunFactory(user=member, date=member_today(member))
    client.force_login(member)
    page = page_of(client, f"{reverse('diary')}?span=all")
    chart = re.search(r'id="chart-weekly">.*?</figure>', page, re.S).group(0)
    assert "Distance per year" in chart
    assert chart.count("<rect ") == 9


def test_span_links_swap_only_the_charts_region_by_htmx(member_client, member):
    RunFactory(user=member)
    page = page_of(member_client, reverse("diary"))
    assert 'href="?span=6m"' in page
    assert 'hx-select="#diary-charts"' in page
    response = member_client.get(f"{reverse('diary')}?span=6m", headers=HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'id="diary-charts"' in fragment
    assert "last 6 months" in fragment
    assert "HX-Request" in response["Vary"]


def test_an_htmx_quick_add_keeps_the_span_of_the_page_it_came_from(member_client, member):
    RunFactory(user=member)
    current = f"http://testserver{reverse('diary')}?span=1y"
    response = member_client.post(
        reverse("diary"), quick_run(member), headers=HTMX | {"HX-Current-URL": current}
    )
    assert "Distance per week and leg heaviness, last year" in response.content.decode()
