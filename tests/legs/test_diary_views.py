"""The diary's pages: who may see what, the dashboard with its quick add, lists, edit and delete,
and the query counts that keep the dashboard's work bounded."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from legs.models import CheckIn, Import, ImportStatus, Run
from legs.models.diary import member_today
from tests.factories import CheckInFactory, RunFactory, TipFactory, TrialFactory, UserFactory
from tests.support import HTMX, SCRIPT

pytestmark = pytest.mark.django_db


# Every diary and export URL: (url name, which of the member's objects it needs).
URLS = [
    ("diary", None),
    ("run_list", None),
    ("run_create", None),
    ("run_edit", "run"),
    ("run_delete", "run"),
    ("checkin_list", None),
    ("checkin_create", None),
    ("checkin_edit", "checkin"),
    ("checkin_delete", "checkin"),
    ("diary_export", None),
    ("diary_import", None),
    ("account_export", None),
    ("account_delete", None),
]
OBJECT_URLS = [(name, kind) for name, kind in URLS if kind]


def url_for(name: str, kind: str | None, owner) -> str:
    if kind == "run":
        return reverse(name, args=[RunFactory(user=owner).pk])
    if kind == "checkin":
        return reverse(name, args=[CheckInFactory(user=owner).pk])
    return reverse(name)


def quick_run(member, **overrides: str) -> dict[str, str]:
    return {
        "date": member_today(member).isoformat(),
        "distance_km": "8",
        "duration": "45:00",
        "kind": "easy",
        "rpe": "4",
        "leg_heaviness": "3",
        "warm_up_minutes": "10",
        "cool_down_minutes": "5",
    } | overrides


# Who may see what.


@pytest.mark.parametrize(("name", "kind"), URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_visitor_is_sent_to_log_in_and_back_from_every_diary_url(client, name, kind, method):
    url = url_for(name, kind, UserFactory())
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_visitor_htmx_request_is_redirected_to_log_in_as_a_whole_page(client):
    response = client.get(reverse("diary"), headers=HTMX)
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/diary/"


@pytest.mark.parametrize(("name", "kind"), OBJECT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_member_gets_404_for_every_diary_object_url(
    member_client, other_member, name, kind, method
):
    url = url_for(name, kind, other_member)
    data = quick_run(other_member) if method == "post" else None
    response = getattr(member_client, method)(url, data)
    assert response.status_code == 404
    assert Run.objects.filter(user=other_member).count() == (1 if kind == "run" else 0)
    assert CheckIn.objects.filter(user=other_member).count() == (1 if kind == "checkin" else 0)


@pytest.mark.parametrize(("name", "kind"), URLS)
def test_owner_can_open_every_diary_url(member_client, member, name, kind):
    assert member_client.get(url_for(name, kind, member)).status_code == 200


def test_no_other_members_entries_in_pages_lists_counts_or_exports(
    member_client, member, other_member
):
    RunFactory(user=member, distance_km=Decimal("7.000"), notes="mine")
    for days in range(1, 15):
        RunFactory(
            user=other_member,
            date=member_today(other_member) - timedelta(days=days),
            distance_km=Decimal("33.300"),
            notes="theirs",
        )
        CheckInFactory(
            user=other_member,
            date=member_today(other_member) - timedelta(days=days),
            sleep_hours=Decimal("3.25"),
        )
    pages = [
        member_client.get(reverse(name)).content.decode()
        for name in ("diary", "run_list", "checkin_list", "diary_export", "account_export")
    ]
    for page in pages:
        assert "33.3" not in page
        assert "theirs" not in page
        assert "3.25" not in page
    assert "1 run," in pages[1]
    assert "No check-ins yet" in pages[2]


# The dashboard.


def test_empty_diary_shows_first_steps_instead_of_empty_charts(member_client):
    page = member_client.get(reverse("diary")).content.decode()
    assert "Your diary is empty: here is how to start" in page
    assert "<svg" not in page
    assert 'id="quick-add"' in page
    for name in ("checkin_create", "diary_import", "diary_export"):
        assert f'href="{reverse(name)}"' in page
    assert "GPX, TCX or FIT files, your whole Strava export, or a CSV" in page


def test_the_dashboard_offers_to_import_watch_files_not_only_csv(member_client, member):
    RunFactory(user=member)
    page = member_client.get(reverse("diary")).content.decode()
    assert ">Import runs (GPX, TCX, FIT, Strava export or CSV)</a>" in page
    assert "Import CSV" not in page


def test_charts_render_with_axes_text_alternatives_and_tables(member_client, member):
    today = member_today(member)
    for days in range(0, 40, 2):
        RunFactory(user=member, date=today - timedelta(days=days), leg_heaviness=4)
        CheckInFactory(user=member, date=today - timedelta(days=days), sleep_hours=6 + days % 3)
    page = member_client.get(reverse("diary")).content.decode()
    assert page.count('role="img"') == 3
    for key in ("weekly", "ratio", "sleep"):
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in page
        assert f'<title id="chart-{key}-title">' in page
        assert f'<desc id="chart-{key}-desc">' in page
    for axis in ("Distance (km)", "Week starting", "Heaviness (0-10)"):  # short for a phone
        assert axis in page
    assert "Workload ratio" in page
    assert "Sweet spot 0.8-1.3" in page
    assert "Hours slept" in page
    assert page.count("Show the numbers as a table") == 3
    assert "style=" not in page
    assert "Your diary is empty" not in page


def test_insights_come_from_the_members_own_entries_and_link_to_their_tip(
    member_client, member, other_member
):
    today = member_today(member)
    # The other member runs every day: a streak warning for them, never for this member.
    for days in range(10):
        RunFactory(user=other_member, date=today - timedelta(days=days))
    for days in range(1, 28, 3):
        RunFactory(user=member, date=today - timedelta(days=days), warm_up_minutes=0)
    page = member_client.get(reverse("diary")).content.decode()
    assert 'data-insight="warm_up_share"' in page
    assert 'href="/tips/warm-up-for-ten-minutes/"' in page
    assert 'data-insight="running_streak"' not in page

    member_client.force_login(other_member)
    assert 'data-insight="running_streak"' in member_client.get(reverse("diary")).content.decode()


def test_insights_quote_distances_in_miles_for_a_member_who_prefers_them(client):
    member = UserFactory(units="mi")
    client.force_login(member)
    today = member_today(member)
    RunFactory(user=member, date=today, distance_km=Decimal("16.093"))
    RunFactory(user=member, date=today - timedelta(days=10), distance_km=Decimal("8.047"))
    page = client.get(reverse("diary")).content.decode()
    assert 'data-insight="long_run_jump"' in page
    assert "Your 10.0 mi run" in page
    assert "Distance (mi)" in page


def test_user_text_is_escaped_everywhere_it_shows(member_client, member):
    run = RunFactory(user=member, notes=SCRIPT, pain_location=SCRIPT)
    checkin = CheckInFactory(user=member, notes=SCRIPT)
    for url in (
        reverse("diary"),
        reverse("run_list"),
        reverse("checkin_list"),
        reverse("run_edit", args=[run.pk]),
        reverse("checkin_edit", args=[checkin.pk]),
    ):
        page = member_client.get(url).content.decode()
        assert SCRIPT not in page
    assert "&lt;script&gt;" in member_client.get(reverse("run_list")).content.decode()


def test_quick_add_without_javascript_posts_and_redirects(member_client, member):
    response = member_client.post(reverse("diary"), quick_run(member))
    assert response.status_code == 302
    assert response["Location"] == reverse("diary")
    run = Run.objects.get(user=member)
    assert (run.distance_km, run.surface) == (Decimal("8.000"), "road")
    page = member_client.get(reverse("diary")).content.decode()
    assert "Run added: 8.00 km" in page


def test_quick_add_by_htmx_returns_a_fresh_form_and_the_summary_out_of_band(member_client, member):
    response = member_client.post(reverse("diary"), quick_run(member), headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<form id="quick-add"')
    assert 'name="distance_km" step="any"' in page  # the fresh form has no distance typed in
    assert '<div id="diary-summary" hx-swap-oob="true">' in page
    assert "8.00 km in 45:00" in page  # the new run in the recent entries
    assert '<svg class="chart"' in page
    assert 'id="messages"' in page
    assert "Run added" in page
    assert Run.objects.filter(user=member).count() == 1


def test_invalid_quick_add_by_htmx_answers_200_with_the_form_and_its_errors(member_client, member):
    response = member_client.post(
        reverse("diary"), quick_run(member, distance_km="0"), headers=HTMX
    )
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    page = response.content.decode()
    assert "<html" not in page
    assert "Enter a distance greater than 0." in page
    assert 'value="45:00"' in page
    assert "diary-summary" not in page
    assert not Run.objects.exists()


def test_invalid_quick_add_without_javascript_shows_the_page_with_errors(member_client, member):
    response = member_client.post(reverse("diary"), quick_run(member, duration="forever"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert "Enter the time as hh:mm:ss" in page
    assert not Run.objects.exists()


def test_dashboard_htmx_get_returns_the_summary_fragment(member_client, member):
    RunFactory(user=member)
    response = member_client.get(reverse("diary"), headers=HTMX)
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="diary-summary">')
    assert "HX-Request" in response["Vary"]


# Runs and check-ins: lists, edit, delete.


def test_run_list_is_paginated_newest_first(member_client, member):
    today = member_today(member)
    for days in range(25):
        RunFactory(user=member, date=today - timedelta(days=days))
    first = member_client.get(reverse("run_list")).content.decode()
    second = member_client.get(reverse("run_list"), {"page": 2}).content.decode()
    assert "25 runs, newest first" in first
    assert "Page 1 of 2" in first
    assert first.count(">Edit<") == 20
    assert second.count(">Edit<") == 5
    assert f"{today:%a} {today.day} {today:%b %Y}" in first


def test_checkin_list_is_paginated(member_client, member):
    today = member_today(member)
    for days in range(21):
        CheckInFactory(user=member, date=today - timedelta(days=days))
    page = member_client.get(reverse("checkin_list"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in page
    assert page.count(">Edit<") == 1


def test_member_edits_a_run(member_client, member):
    run = RunFactory(user=member)
    data = quick_run(member, kind="long", distance_km="21.1", duration="1:55:00") | {
        "surface": "trail",
        "notes": "Hilly",
    }
    response = member_client.post(reverse("run_edit", args=[run.pk]), data)
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.kind, run.distance_km, run.notes) == ("long", Decimal("21.100"), "Hilly")


def test_deleting_a_run_asks_first_then_deletes_on_post(member_client, member):
    run = RunFactory(user=member)
    page = member_client.get(reverse("run_delete", args=[run.pk])).content.decode()
    assert "Delete this run?" in page
    assert Run.objects.filter(pk=run.pk).exists()
    response = member_client.post(reverse("run_delete", args=[run.pk]))
    assert response.status_code == 302
    assert not Run.objects.filter(pk=run.pk).exists()


def test_deleting_a_checkin_asks_first_then_deletes_on_post(member_client, member):
    checkin = CheckInFactory(user=member)
    assert (
        "Delete this check-in?"
        in member_client.get(reverse("checkin_delete", args=[checkin.pk])).content.decode()
    )
    assert CheckIn.objects.filter(pk=checkin.pk).exists()
    member_client.post(reverse("checkin_delete", args=[checkin.pk]))
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()


def test_log_in_lands_on_the_diary(client, member):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": member.username, "password": PASSWORD})
    assert response["Location"] == reverse("diary")


def test_members_see_a_diary_link_in_the_nav(member_client):
    assert f'href="{reverse("diary")}">Diary</a>' in member_client.get("/").content.decode()


# Query counts: the same for a new diary and for five years of daily entries (N+1 guard, and
# proof that the dashboard reads a bounded window and aggregates the weekly chart in SQL).


def fill_diary(member, days: int) -> None:
    today = member_today(member)
    Run.objects.bulk_create(
        Run(
            user=member,
            date=today - timedelta(days=n),
            distance_km=Decimal(5 + n % 7),
            duration=timedelta(minutes=30 + n % 20),
            kind="long" if n % 7 == 0 else "easy",
            rpe=3 + n % 5,
            leg_heaviness=n % 9,
            warm_up_minutes=10 * (n % 2),
        )
        for n in range(days)
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            user=member,
            date=today - timedelta(days=n),
            sleep_hours=Decimal(6 + n % 3),
            leg_heaviness=n % 8,
            soreness=3,
            fatigue=3,
            stress=3,
            rest_day=n % 7 == 3,
        )
        for n in range(days)
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        # session and member, the runs and check-ins (once each, for the insights, the charts'
        # loads and mornings and the running trials), the tips the insights link to, the five
        # newest runs, check-ins and checklist runs (with their counts and linked diary runs in
        # the same query), the member's running trials, the imported runs waiting for effort
        # and heaviness (with how many wait, in the same query), the run and check-in totals
        (reverse("diary"), 12),
        (f"{reverse('diary')}?span=1y", 12),
        (f"{reverse('diary')}?span=all", 12),
        (reverse("run_list"), 4),
        (reverse("checkin_list"), 4),
        # session, member, the shown weeks' runs and check-ins, their weekly run totals
        (reverse("diary_calendar"), 5),
        # session, member, runs and check-ins summed per week, per month and per year
        (reverse("diary_totals"), 8),
    ],
)
def test_query_count_is_the_same_for_a_week_and_five_years_of_daily_entries(
    client, django_assert_max_num_queries, url, limit
):
    small, large = UserFactory(), UserFactory()
    fill_diary(small, 7)
    fill_diary(large, 5 * 365 + 1)
    counts = []
    for member in (small, large):
        client.force_login(member)
        with django_assert_max_num_queries(limit):
            counts.append(count_queries(client, url))
    assert counts[0] == counts[1]


DASHBOARD_QUERY_BUDGET = 12  # tests/bench/run.py's QUERY_BUDGETS["member"]


@pytest.mark.parametrize("span", ["", "?span=6m", "?span=1y", "?span=all"])
def test_dashboard_stays_within_the_query_budget_with_trials_imports_and_runs_to_rate(
    client, django_assert_max_num_queries, span
):
    """Everything the dashboard can show at once (two trials running, imported runs waiting for
    their effort, an import running), for a week of diary and for five years: the same count."""
    counts = []
    for days in (7, 5 * 365 + 1):
        member = UserFactory()
        fill_diary(member, days)
        today = member_today(member)
        for tip in TipFactory.create_batch(2):
            TrialFactory(user=member, tip=tip)
        RunFactory.create_batch(3, user=member, date=today, source="fit", rpe=None)
        Import.objects.create(user=member, status=ImportStatus.RUNNING)
        client.force_login(member)
        with django_assert_max_num_queries(DASHBOARD_QUERY_BUDGET):
            counts.append(count_queries(client, reverse("diary") + span))
    assert counts[0] == counts[1]


def test_an_empty_dashboard_stays_within_the_query_budget(
    member_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(DASHBOARD_QUERY_BUDGET):
        count_queries(member_client, reverse("diary"))


def test_dashboard_reads_only_the_insight_window(client):
    member = UserFactory()
    fill_diary(member, 5 * 365 + 1)
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("diary"))
    diary_reads = [
        q["sql"] for q in queries if '"legs_run"' in q["sql"] and "LIMIT" not in q["sql"]
    ]
    assert diary_reads, "the dashboard reads runs"
    assert all('"date" >' in sql or '"date" >=' in sql for sql in diary_reads)


def test_the_weekly_chart_sums_in_the_database_over_twelve_weeks(member_client, member):
    today = member_today(member)
    monday = today - timedelta(days=today.weekday())
    RunFactory(user=member, date=monday, distance_km=Decimal("10.000"), leg_heaviness=2)
    RunFactory(user=member, date=monday, distance_km=Decimal("5.500"), leg_heaviness=6)
    CheckInFactory(user=member, date=monday, leg_heaviness=7)
    RunFactory(user=member, date=monday - timedelta(weeks=12), distance_km=Decimal("99.000"))
    page = member_client.get(reverse("diary")).content.decode()
    chart = re.search(r'id="chart-weekly">.*?</figure>', page, re.S).group(0)
    assert "This week so far: 15.5 km, heaviness 4.0 out of 10 during runs and 7.0 on waking" in (
        chart
    )
    assert "99.0" not in chart  # twelve weeks back is outside the chart's 12 weeks


def test_seed_demo_gives_the_demo_member_months_of_diary_the_insights_can_read(client):
    call_command("seed_demo", stdout=io.StringIO())
    demo = User.objects.get(username="demo")
    runs = Run.objects.for_user(demo)
    assert runs.count() > 80
    assert CheckIn.objects.for_user(demo).count() > 130
    assert (runs.latest("date").date - runs.earliest("date").date).days > 120
    client.force_login(demo)
    html = client.get(reverse("diary")).content.decode()
    assert "associated with" in html
    assert "<svg" in html
