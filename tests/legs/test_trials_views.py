"""Try a tip's pages: starting a trial from a tip or the dashboard (with and without HTMX), the
experiments list and a trial's result, stop and delete, who may see what, bad input, the
exports, and the query counts that keep the pages' work bounded."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from accounts.models import User
from legs import trials as trial_rules
from legs.insights import WINDOW_DAYS
from legs.models import CheckIn, Trial
from legs.models.diary import member_today
from legs.models.trials import trial_reports
from tests.factories import (
    PASSWORD,
    CheckInFactory,
    RunFactory,
    TipFactory,
    TrialFactory,
    UserFactory,
)
from tests.legs.test_diary_views import count_queries
from tests.support import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm_up(db):
    return TipFactory(
        slug="warm-up-for-ten-minutes", title="Warm up for ten minutes", trial_habit="warm_up"
    )


@pytest.fixture
def trial(member, warm_up):
    """Day 8 of 14."""
    return TrialFactory(user=member, tip=warm_up)


def lighter_during(member, trial, *, days_before: int = 8, days_during: int = 8) -> None:
    """Heavy legs (6-7) before the trial, light ones (2-3) during it, warm-ups on most runs."""
    for n in range(1, days_before + 1):
        day = trial.start - timedelta(days=n)
        CheckInFactory(user=member, date=day, leg_heaviness=6 + n % 2)
        RunFactory(user=member, date=day, leg_heaviness=5, warm_up_minutes=0)
    for n in range(days_during):
        day = trial.start + timedelta(days=n)
        CheckInFactory(user=member, date=day, leg_heaviness=2 + n % 2)
        RunFactory(user=member, date=day, leg_heaviness=5, warm_up_minutes=0 if n == 3 else 12)


def trial_urls(trial: Trial) -> list[str]:
    return [
        reverse(name, args=[trial.pk]) for name in ("trial_detail", "trial_stop", "trial_delete")
    ]


# Who may see what.


@pytest.mark.parametrize(
    "name", ["trial_list", "trial_start", "trial_export", "trial_detail", "trial_stop"]
)
def test_visitor_is_sent_to_log_in_first(client, trial, name):
    url = (
        reverse(name, args=[trial.pk]) if name in ("trial_detail", "trial_stop") else reverse(name)
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_a_visitor_cannot_start_a_trial(client, warm_up):
    response = client.post(reverse("trial_start"), {"tip": warm_up.slug, "length_days": "14"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Trial.objects.exists()


def test_another_members_trial_is_a_404_on_every_url(client, trial, other_member):
    client.force_login(other_member)
    for url in trial_urls(trial):
        assert client.get(url).status_code == 404, url
    for url in trial_urls(trial)[1:]:  # stop and delete; the trial's page is GET only
        assert client.post(url).status_code == 404, url
    trial.refresh_from_db()
    assert trial.stopped_on is None
    assert client.get(reverse("trial_list")).content.decode().count(trial.tip.title) == 0


def test_a_trial_that_does_not_exist_is_a_404(member_client):
    for url in trial_urls(Trial(pk=987654)):
        assert member_client.get(url).status_code == 404


# Starting a trial.


def test_a_tip_page_offers_members_to_try_it_for_7_14_21_or_28_days(member_client, warm_up):
    page = member_client.get(warm_up.get_absolute_url()).content.decode()
    assert f'action="{reverse("trial_start")}"' in page
    assert f'hx-post="{reverse("trial_start")}"' in page
    for days in (7, 14, 21, 28):
        assert f'name="length_days" value="{days}"' in page
    assert f'<input type="hidden" name="tip" value="{warm_up.slug}">' in page


def test_a_visitor_on_a_tip_page_is_asked_to_log_in_to_try_it(client, warm_up):
    page = client.get(warm_up.get_absolute_url()).content.decode()
    assert "Log in to try this tip" in page
    assert 'name="length_days"' not in page


def test_starting_without_js_redirects_to_the_trial(member_client, member, warm_up):
    response = member_client.post(
        reverse("trial_start"), {"tip": warm_up.slug, "length_days": "14"}
    )
    trial = Trial.objects.get(user=member)
    assert response.status_code == 302
    assert response["Location"] == trial.get_absolute_url()
    today = member_today(member)
    assert (trial.tip, trial.start, trial.length_days) == (warm_up, today, 14)
    assert trial.last_day == today + timedelta(days=13)
    page = member_client.get(response["Location"]).content.decode()
    assert "Trial started: “Warm up for ten minutes” for 14 days" in page
    assert "Day 1 of 14" in page


def test_starting_with_htmx_answers_the_tips_box_in_place(member_client, member, warm_up):
    response = member_client.post(
        reverse("trial_start"), {"tip": warm_up.slug, "length_days": "7"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    page = response.content.decode()
    assert "<html" not in page
    assert "You are trying this tip: <strong>day 1 of 7</strong>" in page
    assert Trial.objects.get(user=member).length_days == 7


def test_the_tip_page_shows_a_running_trial_instead_of_the_form(member_client, trial):
    page = member_client.get(trial.tip.get_absolute_url()).content.decode()
    assert "day 8 of 14" in page
    assert 'name="length_days"' not in page


def test_a_tip_page_says_trying_several_tips_muddles_the_answer(member_client, member, trial):
    other = TipFactory()
    page = member_client.get(other.get_absolute_url()).content.decode()
    assert "You are already trying 1 other tip: trying several at once muddles the answer" in page


def test_the_start_page_preselects_the_tip_and_starts_it(member_client, member, warm_up):
    page = member_client.get(f"{reverse('trial_start')}?tip={warm_up.slug}").content.decode()
    assert f'<option value="{warm_up.slug}" selected>' in page
    response = member_client.post(
        reverse("trial_start"), {"tip": warm_up.slug, "length_days": "21"}
    )
    assert response.status_code == 302
    assert Trial.objects.get(user=member).length_days == 21


@pytest.mark.parametrize("length", ["10", "0", "-7", "abc", "", "14.0", "9" * 40])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_length_is_refused_with_a_clear_message(member_client, warm_up, length, htmx):
    response = member_client.post(
        reverse("trial_start"),
        {"tip": warm_up.slug, "length_days": length},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 200
    assert "Choose how long to try it: 7, 14, 21 or 28 days." in response.content.decode()
    assert not Trial.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_tip_that_does_not_exist_is_refused_with_a_clear_message(member_client, htmx):
    TipFactory(slug="unpublished", is_published=False)
    for slug in ("no-such-tip", "unpublished", "", "<b>x</b>"):
        response = member_client.post(
            reverse("trial_start"), {"tip": slug, "length_days": "14"}, headers=HTMX if htmx else {}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "That tip is not in the catalogue" in page or "Choose the tip to try." in page
        assert "<b>x</b>" not in page
    assert not Trial.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_second_running_trial_of_the_same_tip_is_refused_with_a_clear_message(
    member_client, member, trial, htmx
):
    response = member_client.post(
        reverse("trial_start"),
        {"tip": trial.tip.slug, "length_days": "7"},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 200
    assert (
        "You are already trying “Warm up for ten minutes”: day 8 of 14. Stop that trial first"
        in response.content.decode()
    )
    assert Trial.objects.filter(user=member).count() == 1


def test_a_tip_can_be_tried_again_once_its_trial_is_over(member_client, member, warm_up):
    today = member_today(member)
    TrialFactory(user=member, tip=warm_up, start=today - timedelta(days=20), length_days=14)
    response = member_client.post(reverse("trial_start"), {"tip": warm_up.slug, "length_days": "7"})
    assert response.status_code == 302
    assert Trial.objects.filter(user=member).count() == 2


def test_a_trial_stopped_today_cannot_be_restarted_the_same_day(member_client, member, warm_up):
    today = member_today(member)
    TrialFactory(user=member, tip=warm_up, start=today, stopped_on=today)
    response = member_client.post(reverse("trial_start"), {"tip": warm_up.slug, "length_days": "7"})
    assert response.status_code == 200
    assert "You started a trial of “Warm up for ten minutes” today already" in (
        response.content.decode()
    )


def test_several_tips_may_run_at_once(member_client, member, trial):
    other = TipFactory()
    response = member_client.post(reverse("trial_start"), {"tip": other.slug, "length_days": "7"})
    assert response.status_code == 302
    assert Trial.objects.filter(user=member).count() == 2


# The database's rules.


def test_the_database_refuses_a_length_not_offered(member, warm_up):
    trial = Trial(user=member, tip=warm_up, start=member_today(member), length_days=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        trial.save()


def test_the_database_refuses_two_starts_of_a_tip_on_one_day(member, warm_up):
    TrialFactory(user=member, tip=warm_up, start=member_today(member))
    with pytest.raises(IntegrityError), transaction.atomic():
        TrialFactory(user=member, tip=warm_up, start=member_today(member))


def test_the_database_refuses_a_stop_outside_the_trial(member, trial):
    trial.stopped_on = trial.last_day + timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        trial.save()


def test_a_tip_someone_tried_cannot_be_deleted(trial):
    with pytest.raises(ProtectedError):
        trial.tip.delete()


# A trial's result.


def test_a_trial_page_shows_its_result_so_far_with_adherence(member_client, member, trial):
    lighter_during(member, trial)
    page = member_client.get(trial.get_absolute_url()).content.decode()
    assert "Day 8 of 14" in page
    assert "The result so far" in page
    assert "You warmed up for 10 minutes or more on 7 of 8 runs." in page
    assert (
        "Lighter by 4 on average, over 8 mornings before and 8 during: "
        "unlikely to be chance alone." in page
    )
    # Runs were rated 5 throughout: no change there.
    assert (
        "No lighter or heavier on average, over 8 runs before and 8 during: could be chance."
        in (page)
    )
    assert "The trial is associated with lighter legs on waking" in page
    assert "caused" not in page.replace("proof that the tip caused it", "")


def test_a_finished_trial_shows_its_result_over_its_days_and_the_same_number_before(
    member_client, member, warm_up
):
    today = member_today(member)
    trial = TrialFactory(user=member, tip=warm_up, start=today - timedelta(days=30), length_days=7)
    lighter_during(member, trial, days_before=7, days_during=7)
    page = member_client.get(trial.get_absolute_url()).content.decode()
    assert "Finished" in page
    assert "The result</h2>" in page
    assert "over 7 mornings before and 7 during" in page
    assert "Stop this trial" not in page


def test_too_little_data_says_so(member_client, member, trial):
    CheckInFactory(user=member, date=trial.start, leg_heaviness=2)
    page = member_client.get(trial.get_absolute_url()).content.decode()
    assert "Too little data to say (fewer than 5 entries on a side: 0 before, 1 during)." in page
    assert "Too little data yet to say whether anything changed with the trial." in page


def test_overlapping_trials_are_said_to_muddle_the_answer(member_client, member, trial):
    other = TrialFactory(user=member, start=trial.start + timedelta(days=2), length_days=7)
    page = member_client.get(trial.get_absolute_url()).content.decode()
    assert f'You also tried <a href="{other.get_absolute_url()}">{other.tip.title}</a>' in page
    assert "muddles the answer" in page


def test_a_tick_tip_counts_the_check_ins_ticked_done(member_client, member):
    tip = TipFactory(trial_habit="tick")
    trial = TrialFactory(user=member, tip=tip)
    CheckInFactory(user=member, date=trial.start, tip_done=True)
    CheckInFactory(user=member, date=trial.start + timedelta(days=1))
    page = member_client.get(trial.get_absolute_url()).content.decode()
    assert "You ticked “done today” on 1 of 8 days." in page


def test_the_check_in_form_has_the_done_today_box(member_client, member):
    page = member_client.get(reverse("checkin_create")).content.decode()
    assert 'name="tip_done"' in page
    data = {
        "date": member_today(member).isoformat(),
        "sleep_hours": "7.5",
        "leg_heaviness": "3",
        "soreness": "3",
        "fatigue": "3",
        "stress": "3",
        "iron_rich_meals": "0",
        "tip_done": "on",
    }
    assert member_client.post(reverse("checkin_create"), data).status_code == 302
    assert CheckIn.objects.get(user=member).tip_done


# Stop and delete.


def test_stopping_asks_first_then_ends_the_trial_today(member_client, member, trial):
    page = member_client.get(reverse("trial_stop", args=[trial.pk])).content.decode()
    assert "It is on day 8 of 14. Its result will be over the 8 days it ran" in page
    trial.refresh_from_db()
    assert trial.stopped_on is None
    response = member_client.post(reverse("trial_stop", args=[trial.pk]))
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.stopped_on == member_today(member)
    page = member_client.get(trial.get_absolute_url()).content.decode()
    assert "Stopped on day 8 of 14" in page
    assert "stopped after 8 days" in page


def test_a_trial_already_over_has_nothing_to_stop(member_client, member, warm_up):
    today = member_today(member)
    over = TrialFactory(user=member, tip=warm_up, start=today - timedelta(days=20), length_days=7)
    for method in (member_client.get, member_client.post):
        response = method(reverse("trial_stop", args=[over.pk]))
        assert response["Location"] == over.get_absolute_url()
    over.refresh_from_db()
    assert over.stopped_on is None
    page = member_client.get(over.get_absolute_url()).content.decode()
    assert "Your trial of “Warm up for ten minutes” is already over." in page


def test_deleting_asks_first_then_deletes(member_client, member, trial):
    assert member_client.get(reverse("trial_delete", args=[trial.pk])).status_code == 200
    assert Trial.objects.filter(pk=trial.pk).exists()
    response = member_client.post(reverse("trial_delete", args=[trial.pk]))
    assert response["Location"] == reverse("trial_list")
    assert not Trial.objects.filter(pk=trial.pk).exists()


# The list and the dashboard.


def test_the_list_shows_running_and_finished_trials_with_their_results(
    member_client, member, trial
):
    today = member_today(member)
    old = TrialFactory(user=member, start=today - timedelta(days=60), length_days=28)
    lighter_during(member, trial)
    page = member_client.get(reverse("trial_list")).content.decode()
    running, finished = page.split('id="finished-heading"')
    assert trial.tip.title in running
    assert "Day 8 of 14" in running
    assert "On waking: lighter by 4 on average" in running
    assert old.tip.title in finished
    assert "Finished</strong>: 28 days" in finished


# Results cached under the diary stamp.


def test_a_result_is_read_from_the_cache_until_the_diary_changes(member_client, member, trial):
    lighter_during(member, trial)
    url = reverse("trial_list")
    first = count_queries(member_client, url)
    assert count_queries(member_client, url) == first - 2  # no runs nor check-ins read
    assert "On waking: lighter by 4 on average, over 8 mornings" in member_client.get(url).text
    first_morning = CheckIn.objects.get(user=member, date=trial.start)
    first_morning.leg_heaviness = 10  # from 2: the mean during goes from 2.5 to 3.5
    first_morning.save()
    assert "On waking: lighter by 3 on average, over 8 mornings" in member_client.get(url).text
    CheckIn.objects.get(user=member, date=trial.start - timedelta(days=1)).delete()
    assert "over 7 mornings before and 8 during" in member_client.get(url).text
    assert "over 7 mornings before and 8 during" in member_client.get(trial.get_absolute_url()).text


def test_a_result_follows_the_tips_habit_and_the_trials_days_at_once(
    member_client, member, trial, warm_up
):
    lighter_during(member, trial)
    url = reverse("trial_list")
    assert "You warmed up for 10 minutes or more on 7 of 8 runs." in member_client.get(url).text
    warm_up.trial_habit = "tick"
    warm_up.save()
    assert "You ticked “done today” on 0 of 8 days." in member_client.get(url).text
    member_client.post(reverse("trial_stop", args=[trial.pk]))
    page = member_client.get(url).text
    assert "Stopped on day 8 of 14" in page
    assert "over 8 mornings before and 8 during" in page


def test_members_never_get_each_others_cached_results(client, member, other_member, warm_up):
    mine = TrialFactory(user=member, tip=warm_up)
    theirs = TrialFactory(user=other_member, tip=warm_up, start=mine.start)
    lighter_during(member, mine)
    for n in range(8):
        before, during = theirs.start - timedelta(days=n + 1), theirs.start + timedelta(days=n)
        CheckInFactory(user=other_member, date=before, leg_heaviness=2)
        CheckInFactory(user=other_member, date=during, leg_heaviness=8)
    for _ in range(2):  # computed, then cached
        client.force_login(member)
        assert "On waking: lighter by 4 on average" in client.get(reverse("trial_list")).text
        client.force_login(other_member)
        assert "On waking: heavier by 6 on average" in client.get(reverse("trial_list")).text


def test_an_empty_list_says_how_to_start(member_client):
    page = member_client.get(reverse("trial_list")).content.decode()
    assert "No experiments yet." in page


def test_the_dashboard_shows_running_trials_day_and_how_often_done(member_client, member, trial):
    lighter_during(member, trial)
    page = member_client.get(reverse("diary")).content.decode()
    assert "Warm up for ten minutes</a>: <strong>day 8 of 14</strong>" in page
    assert "You warmed up for 10 minutes or more on 7 of 8 runs." in page
    assert "muddles" not in page
    TrialFactory(user=member)
    page = member_client.get(reverse("diary")).content.decode()
    assert "You are trying 2 tips at once: that muddles the answer" in page


def test_the_dashboard_offers_to_try_the_tips_its_insights_point_to(member_client, member):
    tip = TipFactory(slug="warm-up-for-ten-minutes", title="Warm up", trial_habit="warm_up")
    today = member_today(member)
    for n in range(1, 8):  # runs without a warm-up: the warm-up insight links its tip
        RunFactory(user=member, date=today - timedelta(days=n), warm_up_minutes=0)
    page = member_client.get(reverse("diary")).content.decode()
    assert f'id="try-box-{tip.slug}"' in page
    assert f'<input type="hidden" name="tip" value="{tip.slug}">' in page
    TrialFactory(user=member, tip=tip)
    page = member_client.get(reverse("diary")).content.decode()
    assert f'id="try-box-{tip.slug}"' not in page  # being tried: not offered again


# Data out, and the account.


def test_the_json_export_has_each_trial_with_its_result(member_client, member, trial):
    lighter_during(member, trial)
    TrialFactory(user=UserFactory())
    data = json.loads(member_client.get(reverse("account_export")).content)
    (exported,) = data["trials"]
    assert exported["tip"] == trial.tip.slug
    assert exported["start"] == trial.start.isoformat()
    assert (exported["length_days"], exported["stopped_on"]) == (14, None)
    assert (exported["done"], exported["out_of"]) == (7, 8)
    assert exported["waking"]["before"] == [6, 7, 6, 7, 6, 7, 6, 7]
    assert exported["waking"]["during_mean"] == 2.5
    assert exported["waking"]["verdict"] == "unlikely_chance"
    assert exported["runs"]["verdict"] == "could_be_chance"


def test_the_experiments_csv_has_one_row_per_trial(member_client, member, trial):
    lighter_during(member, trial)
    response = member_client.get(reverse("trial_export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["tip"] == trial.tip.slug
    assert row["length_days"] == "14"
    assert row["stopped_on"] == ""
    assert (row["waking_before_count"], row["waking_during_count"]) == ("8", "8")
    assert row["waking_verdict"] == "unlikely_chance"
    assert row["runs_difference"] == "0"


def test_trials_are_deleted_with_the_account(member_client, member, trial, other_member):
    theirs = TrialFactory(user=other_member, tip=trial.tip, start=trial.start)
    response = member_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Trial.objects.filter(user_id=member.pk).exists()
    assert Trial.objects.filter(pk=theirs.pk).exists()


# Query counts: the same for a short diary with one trial and five years with many.


def fill(member, *, days: int, trials: int) -> Trial:
    today = member_today(member)
    for n in range(days):
        RunFactory(user=member, date=today - timedelta(days=n), distance_km=Decimal(5))
        CheckInFactory(user=member, date=today - timedelta(days=n))
    for n in range(trials):
        TrialFactory(user=member, start=today - timedelta(days=20 * n + 3), length_days=14)
    return Trial.objects.filter(user=member).order_by("-start").first()


# N+1 guard: session, user, then the page's own: the list counts and reads a page of trials,
# the diary days their results read, and the trials near them; the detail reads the trial,
# the diary days and the trials near it; the dashboard counts how often its running trials
# were done in the diary it has read anyway (see test_diary_views.py).
@pytest.mark.parametrize(("name", "limit"), [("trial_list", 7), ("trial_detail", 6), ("diary", 12)])
def test_query_count_is_the_same_for_one_trial_and_years_of_trials(
    client, django_assert_max_num_queries, name, limit
):
    small, large = UserFactory(), UserFactory()
    counts = []
    for member, days, trials in ((small, 10, 1), (large, 2 * 365, 30)):
        newest = fill(member, days=days, trials=trials)
        client.force_login(member)
        url = reverse(name, args=[newest.pk]) if name == "trial_detail" else reverse(name)
        with django_assert_max_num_queries(limit):
            counts.append(count_queries(client, url))
    assert counts[0] == counts[1]


def test_a_running_trial_reads_no_day_before_the_dashboards_window():
    """The dashboard counts how often a running trial was done in the runs and check-ins of its
    insight window: the longest trial on its last day, with the rest rule's look-back, fits."""
    longest = trial_rules.so_far(
        start=date(2026, 1, 1), last_day=date(2026, 1, 28), stopped_on=None, today=date(2026, 1, 28)
    )
    assert longest.days == max(trial_rules.LENGTHS)
    assert (longest.last - trial_rules.reads_from(longest)).days < WINDOW_DAYS


@pytest.mark.parametrize("habit", [habit.value for habit in trial_rules.Habit])
def test_the_dashboard_counts_a_trial_as_its_own_page_does(member_client, member, habit):
    today = member_today(member)
    for n in range(70):
        day = today - timedelta(days=n)
        if n % 3:
            RunFactory(
                user=member,
                date=day,
                distance_km=Decimal(4 + n % 5),
                warm_up_minutes=10 * (n % 2),
                cool_down_minutes=5 * (n % 4 == 1),
                water_ml=500 if n % 5 else None,
            )
        CheckInFactory(
            user=member,
            date=day,
            sleep_hours=Decimal(6 + n % 3),
            rest_day=not n % 3,
            tip_done=bool(n % 2),
        )
    tip = TipFactory(trial_habit=habit)
    trial = TrialFactory(user=member, tip=tip, start=today - timedelta(days=27), length_days=28)
    (report,) = trial_reports(member, today, [trial], results=False)
    assert report.adherence.out_of
    text = report.adherence.text[0].upper() + report.adherence.text[1:]
    assert text in member_client.get(reverse("diary")).content.decode()
