"""The dashboard's charts, cached per member (legs/diary_cache.py): never another member's, and
every write to the diary shows at once, whichever way it was made."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from legs import services
from legs.models import CheckIn, Run
from legs.models.diary import member_today
from tests.factories import CheckInFactory, RunFactory, TipFactory, TrialFactory, UserFactory
from tests.support import HTMX, clear_caches

pytestmark = pytest.mark.django_db

CHARTS = re.compile(
    r'<div class="diary-charts">(.*?)<section aria-labelledby="recent-heading"', re.S
)


def charts(client, **params) -> str:
    page = client.get(reverse("diary"), params).content.decode()
    return CHARTS.search(page).group(1)


def uncached_charts(client, **params) -> str:
    clear_caches(counters=False)
    return charts(client, **params)


@pytest.fixture
def diary(member):
    today = member_today(member)
    for days in range(1, 20):
        RunFactory(user=member, date=today - timedelta(days), distance_km=Decimal(days % 5 + 3))
        CheckInFactory(
            user=member,
            date=today - timedelta(days),
            sleep_hours=Decimal("7.0"),
            leg_heaviness=days % 4,  # deleting a check-in changes the week's mean
        )
    return member


def quick_run(member, **overrides: str) -> dict[str, str]:
    return {
        "date": member_today(member).isoformat(),
        "distance_km": "18",
        "duration": "1:45:00",
        "kind": "long",
        "rpe": "8",
        "leg_heaviness": "6",
        "warm_up_minutes": "10",
        "cool_down_minutes": "5",
    } | overrides


def checkin(member) -> dict[str, str]:
    return {
        "date": member_today(member).isoformat(),
        "sleep_hours": "4.5",
        "leg_heaviness": "8",
        "soreness": "2",
        "fatigue": "3",
        "stress": "4",
        "iron_rich_meals": "2",
    }


def test_a_second_visit_is_served_the_same_charts_from_the_cache(member_client, diary):
    first = charts(member_client)
    assert first.count("<figure") == 3
    assert charts(member_client) == first
    assert uncached_charts(member_client) == first


def test_a_member_never_sees_another_members_charts(client, diary, other_member):
    today = member_today(other_member)
    RunFactory(user=other_member, date=today - timedelta(2), distance_km=Decimal("42"))
    client.force_login(diary)
    mine = charts(client)
    client.force_login(other_member)
    theirs = charts(client)
    assert theirs != mine
    assert theirs == uncached_charts(client)
    client.force_login(diary)
    assert charts(client) == mine


def _quick_add(client, member):
    assert client.post(reverse("diary"), quick_run(member)).status_code == 302


def _quick_add_htmx(client, member):
    response = client.post(reverse("diary"), quick_run(member), headers=HTMX)
    assert response.status_code == 200
    # The summary swapped out of band already shows the new run.
    assert CHARTS.search(response.content.decode()).group(1) == uncached_charts(client)


def _run_form(client, member):
    data = quick_run(member) | {"surface": "road"}
    assert client.post(reverse("run_create"), data).status_code == 302


def _run_edit(client, member):
    run = Run.objects.filter(user=member).latest("date")
    data = quick_run(member, date=run.date.isoformat()) | {"surface": "road"}
    assert client.post(reverse("run_edit", args=[run.pk]), data).status_code == 302


def _run_delete(client, member):
    run = Run.objects.filter(user=member).latest("date")
    assert client.post(reverse("run_delete", args=[run.pk])).status_code == 302


def _checkin_form(client, member):
    assert client.post(reverse("checkin_create"), checkin(member)).status_code == 302


def _checkin_edit(client, member):
    entry = CheckIn.objects.filter(user=member).latest("date")
    data = checkin(member) | {"date": entry.date.isoformat()}
    assert client.post(reverse("checkin_edit", args=[entry.pk]), data).status_code == 302


def _checkin_delete(client, member):
    entry = CheckIn.objects.filter(user=member).latest("date")
    assert client.post(reverse("checkin_delete", args=[entry.pk])).status_code == 302


def _effort(client, member):
    run = Run.objects.filter(user=member).latest("date")
    data = {"rpe": "10", "leg_heaviness": "9"}
    assert client.post(reverse("run_effort", args=[run.pk]), data).status_code == 302


def _import(client, member):
    day = member_today(member) - timedelta(1)
    run = Run(date=day, distance_km=Decimal("30"), duration=timedelta(hours=3), kind="long", rpe=9)
    entry = CheckIn(
        date=day, sleep_hours=Decimal("3"), leg_heaviness=9, soreness=3, fatigue=3, stress=3
    )
    services.diary_import(user=member, runs=[run], checkins=[entry])


def _save_elsewhere(client, member):
    """The admin, a script or a task: a plain save of a fresh instance."""
    run = Run.objects.filter(pk=Run.objects.filter(user=member).latest("date").pk).get()
    run.distance_km = Decimal("33")
    run.save()


def _units(client, member):
    User.objects.filter(pk=member.pk).update(units="mi")


def test_each_span_is_cached_apart(member_client, diary):
    weeks = charts(member_client)
    year = charts(member_client, span="1y")
    assert year != weeks
    assert charts(member_client, span="1y") == year == uncached_charts(member_client, span="1y")


def test_a_profile_saved_from_an_old_instance_keeps_the_new_stamp(member):
    stale = User.objects.get(pk=member.pk)
    RunFactory(user=member)
    stamp = User.objects.get(pk=member.pk).diary_stamp
    assert stamp != stale.diary_stamp
    stale.display_name = "Renamed"
    stale.save()
    assert User.objects.get(pk=member.pk).diary_stamp == stamp


def test_deleting_an_account_with_its_diary_writes_no_stamp_per_entry(
    diary, django_assert_max_num_queries
):
    with django_assert_max_num_queries(60):
        diary.delete()
    assert not Run.objects.exists()


def test_new_members_start_with_stamps_of_their_own():
    assert UserFactory().diary_stamp != UserFactory().diary_stamp


# The totals, the calendar's weeks and the dashboard's insights, week figures and recent entries
# are cached under the same stamp as the charts (the running trials' counts under it and each
# trial's days).

SUMMARY = re.compile(r'<h2 id="week-heading".*?<h3 class="h6">Checklists', re.S)
TRIALS = re.compile(r'<ul class="list-unstyled mb-2 running-trials">.*?</ul>', re.S)


def totals(client, member) -> str:
    page = client.get(reverse("diary_totals")).content.decode()
    return page.split("Your totals</h1>")[1].split("</main>")[0]


def calendar(client, **params) -> str:
    page = client.get(reverse("diary_calendar"), params).content.decode()
    return page.split('<section id="calendar-month"')[1].split("</section>")[0]


def recent_months(client, member) -> str:
    """This month's calendar and yesterday's (the writes below touch today and yesterday)."""
    yesterday = member_today(member) - timedelta(1)
    return calendar(client) + calendar(client, month=yesterday.isoformat()[:7])


def summary(client, member=None) -> str:
    return SUMMARY.search(client.get(reverse("diary")).content.decode()).group(0)


def running_trials(client) -> str:
    found = TRIALS.search(client.get(reverse("diary")).content.decode())
    return found.group(0) if found else ""


def dashboard_charts(client, member) -> str:
    return charts(client)


CACHED = pytest.mark.parametrize("region", [dashboard_charts, totals, recent_months, summary])
WRITES = [
    _quick_add,
    _quick_add_htmx,
    _run_form,
    _run_edit,
    _run_delete,
    _checkin_form,
    _checkin_edit,
    _checkin_delete,
    _effort,
    _import,
    _save_elsewhere,
    _units,
]


@CACHED
@pytest.mark.parametrize("write", WRITES)
def test_every_write_shows_in_every_cached_part_at_once(member_client, diary, region, write):
    before = region(member_client, diary)
    write(member_client, diary)
    after = region(member_client, diary)
    assert after != before
    clear_caches(counters=False)
    assert after == region(member_client, diary)


@CACHED
def test_a_member_never_sees_another_members_cached_parts(client, diary, other_member, region):
    RunFactory(user=other_member, date=member_today(other_member), distance_km=Decimal("42"))
    client.force_login(diary)
    mine = region(client, diary)
    client.force_login(other_member)
    theirs = region(client, other_member)
    assert "42.0" in theirs
    assert "42.0" not in mine
    clear_caches(counters=False)
    assert region(client, other_member) == theirs
    client.force_login(diary)
    assert region(client, diary) == mine


def test_each_month_of_the_calendar_is_cached_apart(member_client, diary):
    today = member_today(diary)
    earlier = f"{today.year - 1}-{today.month:02}"
    this_month = calendar(member_client)
    assert calendar(member_client, month=earlier) != this_month
    assert "Nothing logged in" in calendar(member_client, month=earlier)
    assert calendar(member_client) == this_month


def test_a_tips_new_title_shows_in_the_insights_at_once(member_client, member):
    today = member_today(member)
    for days in range(14):  # short nights and heavy mornings: the sleep insight and its tip
        CheckInFactory(
            user=member, date=today - timedelta(days), sleep_hours=Decimal("5"), leg_heaviness=7
        )
    tip = TipFactory(slug="get-enough-sleep", title="Sleep first")
    assert "Tip: Sleep first" in summary(member_client)
    tip.title = "Sleep <script>alert(1)</script> longer"
    tip.save()
    page = summary(member_client)
    assert "Tip: Sleep &lt;script&gt;alert(1)&lt;/script&gt; longer" in page
    assert "<script>" not in page


def test_trials_started_stopped_and_done_show_on_the_dashboard_at_once(member_client, diary):
    tip = TipFactory(title="Warm up well", trial_habit="warm_up")
    assert running_trials(member_client) == ""
    trial = TrialFactory(user=diary, tip=tip)
    shown = running_trials(member_client)
    assert "Warm up well</a>: <strong>day 8 of 14</strong>" in shown
    _quick_add(member_client, diary)  # a run with a warm-up, today
    counted = running_trials(member_client)
    assert counted != shown
    clear_caches(counters=False)
    assert running_trials(member_client) == counted
    trial.stop(member_today(diary))
    assert running_trials(member_client) == ""


def test_a_trial_of_another_habit_is_counted_afresh(member_client, diary):
    tip = TipFactory(title="Warm up well", trial_habit="warm_up")
    TrialFactory(user=diary, tip=tip)
    warm_ups = running_trials(member_client)
    tip.trial_habit = "cool_down"
    tip.save()
    cool_downs = running_trials(member_client)
    assert cool_downs != warm_ups
    clear_caches(counters=False)
    assert running_trials(member_client) == cool_downs


def test_the_quick_adds_out_of_band_summary_shows_the_new_run(member_client, diary):
    summary(member_client)  # cached
    response = member_client.post(reverse("diary"), quick_run(diary), headers=HTMX)
    swapped = SUMMARY.search(response.content.decode()).group(0)
    assert "18.00 km in 1:45:00" in swapped
    clear_caches(counters=False)
    assert swapped == summary(member_client)


QUICK_ADD_FIELDS = re.compile(r'<div class="row g-2">.*?</form>', re.S)


def quick_add_fields(client) -> str:
    return QUICK_ADD_FIELDS.search(client.get(reverse("diary")).content.decode()).group(0)


def test_the_quick_add_fields_are_kept_per_unit_and_day(client, member, other_member):
    other_member.units = "mi"
    other_member.save()
    client.force_login(member)
    in_km = quick_add_fields(client)
    assert "Distance (km)" in in_km
    assert f'max="{member_today(member).isoformat()}"' in in_km
    client.force_login(other_member)
    assert "Distance (mi)" in quick_add_fields(client)
    client.force_login(member)
    assert quick_add_fields(client) == in_km
    member.units = "mi"
    member.save()
    assert "Distance (mi)" in quick_add_fields(client)


def test_an_invalid_quick_add_shows_its_own_fields_not_the_kept_ones(member_client, member):
    quick_add_fields(member_client)  # kept
    response = member_client.post(
        reverse("diary"), {"date": "", "distance_km": "abc"}, headers=HTMX
    )
    html = response.content.decode()
    assert 'value="abc"' in html
    assert "is-invalid" in html
    assert "is-invalid" not in quick_add_fields(member_client)
