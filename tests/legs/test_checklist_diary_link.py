"""An After-your-run checklist linked to a diary run: from the run form, from the checklist run's
own page, in the service that guards it; the diary's list of checklist runs; the JSON export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from legs import services
from legs.models import (
    Checklist,
    ChecklistKind,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    Run,
)
from legs.models.diary import member_today
from tests.factories import (
    PASSWORD,
    ChecklistFactory,
    ChecklistRunFactory,
    ChecklistStepFactory,
    RunFactory,
    TroubleshooterAnswerFactory,
    TroubleshooterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def after(catalogue) -> Checklist:
    return Checklist.objects.get(slug="after-your-run")


def finished_run(user: User, checklist: Checklist, *, ticks: int = 2, **kwargs) -> ChecklistRun:
    """A finished checklist run with its first ``ticks`` steps ticked."""
    started = kwargs.pop("started", timezone.now() - timedelta(minutes=20))
    run = ChecklistRunFactory(
        user=user, checklist=checklist, started=started, finished=started, **kwargs
    )
    for step in list(checklist.steps.all())[:ticks]:
        ChecklistRunStep.objects.create(run=run, step=step)
    return run


def run_data(member, **overrides: str) -> dict[str, str]:
    return {
        "date": member_today(member).isoformat(),
        "distance_km": "8",
        "duration": "45:00",
        "kind": "easy",
        "surface": "road",
        "rpe": "4",
        "leg_heaviness": "3",
        "warm_up_minutes": "10",
        "cool_down_minutes": "10",
    } | overrides


def link(client, checklist_run: ChecklistRun, diary_run: object) -> object:
    value = "" if diary_run is None else getattr(diary_run, "pk", diary_run)
    url = reverse("checklist_run_link", args=[checklist_run.pk])
    return client.post(url, {"diary_run": value})


# --- Which checklists can be linked


def test_only_after_your_run_is_marked_as_going_with_a_diary_run(after):
    assert list(Checklist.objects.filter(attaches_to_run=True)) == [after]


def test_a_troubleshooter_cannot_be_marked_to_go_with_a_run():
    troubleshooter = TroubleshooterFactory.build(attaches_to_run=True)
    with pytest.raises(ValidationError) as problem:
        troubleshooter.full_clean()
    assert "attaches_to_run" in problem.value.message_dict
    with pytest.raises(IntegrityError):
        TroubleshooterFactory(attaches_to_run=True)


def test_the_admin_edits_the_flag_on_a_checklist(admin_client, after):
    page = admin_client.get(reverse("admin:legs_checklist_change", args=[after.pk]))
    assert 'name="attaches_to_run"' in page.content.decode()


# --- The service


def test_attach_links_the_members_own_run(member, after):
    checklist_run, diary_run = finished_run(member, after), RunFactory(user=member)
    services.checklist_run_attach(checklist_run=checklist_run, run=diary_run)
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run == diary_run
    assert list(diary_run.checklist_runs.all()) == [checklist_run]


def test_attach_refuses_another_members_run_and_writes_nothing(member, other_member, after):
    checklist_run = finished_run(member, after)
    with pytest.raises(services.ChecklistRunNotAttachable, match="not in your diary"):
        services.checklist_run_attach(
            checklist_run=checklist_run, run=RunFactory(user=other_member)
        )
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run is None


def test_attach_refuses_a_checklist_that_does_not_go_with_a_run(member, after):
    before = Checklist.objects.get(slug="before-your-run")
    checklist_run = finished_run(member, before)
    with pytest.raises(services.ChecklistRunNotAttachable, match="Only an After-your-run"):
        services.checklist_run_attach(checklist_run=checklist_run, run=RunFactory(user=member))
    assert not ChecklistRun.objects.filter(diary_run__isnull=False).exists()


def test_attach_refuses_a_checklist_run_still_in_progress(member, after):
    checklist_run = ChecklistRunFactory(user=member, checklist=after)
    with pytest.raises(services.ChecklistRunNotAttachable, match="Finish the checklist"):
        services.checklist_run_attach(checklist_run=checklist_run, run=RunFactory(user=member))
    assert not ChecklistRun.objects.filter(diary_run__isnull=False).exists()


def test_a_refused_link_saves_no_diary_run_either(member, other_member, after):
    theirs = finished_run(other_member, after)
    with pytest.raises(services.ChecklistRunNotAttachable):
        services.diary_run_create(run=RunFactory.build(user=member), checklist_run=theirs)
    assert not Run.objects.exists()


def test_deleting_the_diary_run_keeps_the_checklist_run_unlinked(member_client, member, after):
    checklist_run, diary_run = finished_run(member, after), RunFactory(user=member)
    services.checklist_run_attach(checklist_run=checklist_run, run=diary_run)
    member_client.post(reverse("run_delete", args=[diary_run.pk]))
    assert not Run.objects.exists()
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run is None
    assert checklist_run.ticks.count() == 2


# --- Linking from the run form: "Log this run in your diary"


def test_finished_after_your_run_page_links_to_the_run_form_with_its_id(
    member_client, member, after
):
    checklist_run = finished_run(member, after)
    html = member_client.get(checklist_run.get_absolute_url()).content.decode()
    assert f'href="{reverse("run_create")}?checklist_run={checklist_run.pk}"' in html


def test_other_finished_checklists_offer_a_plain_run_form(member_client, member, after):
    checklist_run = finished_run(member, Checklist.objects.get(slug="before-your-run"))
    html = member_client.get(checklist_run.get_absolute_url()).content.decode()
    assert f'href="{reverse("run_create")}"' in html
    assert "?checklist_run=" not in html
    assert reverse("checklist_run_link", args=[checklist_run.pk]) not in html


def test_run_form_says_which_checklist_the_run_will_be_linked_to(member_client, member, after):
    started = timezone.now() - timedelta(days=1)
    checklist_run = finished_run(member, after, started=started)
    response = member_client.get(f"{reverse('run_create')}?checklist_run={checklist_run.pk}")
    html = response.content.decode()
    day = timezone.localdate(started, timezone=ZoneInfo(member.time_zone))
    assert response.status_code == 200
    assert (
        f'This run will be linked to your <a href="{checklist_run.get_absolute_url()}">'
        f"After your run checklist of {day:%a} {day.day} {day:%b %Y}</a>."
    ) in html
    assert f'<input type="hidden" name="checklist_run" value="{checklist_run.pk}">' in html
    # Logged the next day, the run still defaults to the checklist's day.
    assert response.context["form"].initial["date"] == day


def test_saving_the_run_links_the_checklist_run(member_client, member, after):
    checklist_run = finished_run(member, after)
    data = run_data(member, checklist_run=str(checklist_run.pk))
    response = member_client.post(reverse("run_create"), data, follow=True)
    diary_run = Run.objects.get()
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run == diary_run
    assert "It is linked to your After your run checklist of" in response.content.decode()


def test_an_invalid_run_keeps_the_link_for_the_next_try(member_client, member, after):
    checklist_run = finished_run(member, after)
    data = run_data(member, checklist_run=str(checklist_run.pk), distance_km="0")
    response = member_client.post(reverse("run_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a distance greater than 0." in html
    assert f'name="checklist_run" value="{checklist_run.pk}"' in html
    assert not Run.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_members_checklist_run_in_the_run_form_is_404_and_nothing_saved(
    member_client, member, other_member, after, method
):
    theirs = finished_run(other_member, after)
    url = reverse("run_create")
    if method == "get":
        response = member_client.get(f"{url}?checklist_run={theirs.pk}")
    else:
        response = member_client.post(url, run_data(member, checklist_run=str(theirs.pk)))
    assert response.status_code == 404
    assert not Run.objects.exists()
    theirs.refresh_from_db()
    assert theirs.diary_run is None


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1.5"])
def test_a_checklist_run_id_that_is_not_one_is_404(member_client, member, value):
    response = member_client.post(reverse("run_create"), run_data(member, checklist_run=value))
    assert response.status_code == 404
    assert not Run.objects.exists()


def test_a_checklist_run_that_cannot_be_linked_is_404_in_the_run_form(member_client, member, after):
    before_run = finished_run(member, Checklist.objects.get(slug="before-your-run"))
    in_progress = ChecklistRunFactory(user=member, checklist=after)
    for checklist_run in (before_run, in_progress):
        url = f"{reverse('run_create')}?checklist_run={checklist_run.pk}"
        assert member_client.get(url).status_code == 404


def test_the_finished_checklist_shows_its_linked_run_instead_of_the_offer(
    member_client, member, after
):
    checklist_run = finished_run(member, after)
    member_client.post(reverse("run_create"), run_data(member, checklist_run=str(checklist_run.pk)))
    html = member_client.get(after.get_absolute_url()).content.decode()
    diary_run = Run.objects.get()
    assert f'href="{reverse("run_edit", args=[diary_run.pk])}"' in html
    assert "?checklist_run=" not in html


def test_the_run_edit_page_shows_the_linked_checklist(member_client, member, after):
    checklist_run, diary_run = finished_run(member, after), RunFactory(user=member)
    services.checklist_run_attach(checklist_run=checklist_run, run=diary_run)
    html = member_client.get(reverse("run_edit", args=[diary_run.pk])).content.decode()
    assert "Linked checklist:" in html
    assert f'href="{checklist_run.get_absolute_url()}"' in html


# --- Linking from the checklist run's own page


def test_the_checklist_run_page_offers_only_the_members_recent_runs(
    member_client, member, other_member, after
):
    checklist_run = finished_run(member, after)
    today = member_today(member)
    recent = RunFactory(user=member, date=today - timedelta(days=2))
    older = RunFactory(user=member, date=today - timedelta(days=31))
    newest = RunFactory(user=member, date=today)
    theirs = RunFactory(user=other_member, date=today)
    response = member_client.get(checklist_run.get_absolute_url())
    choices = [pk for pk, _ in response.context["link_form"].fields["diary_run"].choices]
    assert [str(pk) for pk in choices] == ["", str(newest.pk), str(recent.pk)]
    html = response.content.decode()
    assert f'value="{older.pk}"' not in html
    assert f'value="{theirs.pk}"' not in html


def test_linking_and_unlinking_on_the_checklist_run_page(member_client, member, after):
    checklist_run, diary_run = finished_run(member, after), RunFactory(user=member)
    response = link(member_client, checklist_run, diary_run)
    assert response.status_code == 302
    assert response["Location"] == checklist_run.get_absolute_url()
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run == diary_run
    page = member_client.get(checklist_run.get_absolute_url()).content.decode()
    assert "Linked to your" in page
    assert "Unlink" in page

    response = link(member_client, checklist_run, None)
    assert response.status_code == 302
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run is None
    assert Run.objects.filter(pk=diary_run.pk).exists()


def test_another_members_run_is_refused_on_the_checklist_run_page(
    member_client, member, other_member, after
):
    checklist_run = finished_run(member, after)
    theirs = RunFactory(user=other_member)
    response = link(member_client, checklist_run, theirs)
    assert response.status_code == 200
    assert "Choose one of your own runs of the last 30 days." in response.content.decode()
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run is None


def test_another_members_checklist_run_page_is_404_and_nothing_linked(
    member_client, member, other_member, after
):
    theirs = finished_run(other_member, after)
    mine = RunFactory(user=member)
    assert member_client.get(theirs.get_absolute_url()).status_code == 404
    assert link(member_client, theirs, mine).status_code == 404
    theirs.refresh_from_db()
    assert theirs.diary_run is None


def test_a_checklist_that_does_not_go_with_a_run_cannot_be_linked_from_its_page(
    member_client, member, after
):
    checklist_run = finished_run(member, Checklist.objects.get(slug="before-your-run"))
    response = link(member_client, checklist_run, RunFactory(user=member))
    assert response.status_code == 302
    followed = member_client.get(response["Location"]).content.decode()
    assert "Only a finished After-your-run checklist can be linked" in followed
    checklist_run.refresh_from_db()
    assert checklist_run.diary_run is None


def test_the_notes_form_still_saves_beside_the_link_form(member_client, member, after):
    checklist_run, diary_run = finished_run(member, after), RunFactory(user=member)
    link(member_client, checklist_run, diary_run)
    member_client.post(checklist_run.get_absolute_url(), {"notes": "Calves tight."})
    checklist_run.refresh_from_db()
    assert checklist_run.notes == "Calves tight."
    assert checklist_run.diary_run == diary_run


def test_my_checklists_shows_the_linked_run(member_client, member, after):
    checklist_run, diary_run = finished_run(member, after), RunFactory(user=member)
    services.checklist_run_attach(checklist_run=checklist_run, run=diary_run)
    html = member_client.get(reverse("checklist_run_list")).content.decode()
    assert f'href="{reverse("run_edit", args=[diary_run.pk])}"' in html


# --- The diary's dashboard


def test_the_dashboard_lists_the_members_own_checklist_runs(
    member_client, member, other_member, after
):
    mine = finished_run(member, after, ticks=3)
    diary_run = RunFactory(user=member)
    services.checklist_run_attach(checklist_run=mine, run=diary_run)
    theirs = finished_run(other_member, Checklist.objects.get(slug="before-your-run"))
    response = member_client.get(reverse("diary"))
    html = response.content.decode()
    assert [run.pk for run in response.context["recent_checklist_runs"]] == [mine.pk]
    assert f'href="{mine.get_absolute_url()}"' in html
    assert "3 of 10 steps, finished" in html
    assert f'href="{reverse("run_edit", args=[diary_run.pk])}"' in html
    assert f'href="{reverse("checklist_run_list")}"' in html
    assert f'href="{theirs.get_absolute_url()}"' not in html


def test_the_dashboard_shows_the_five_newest_and_leaves_out_empty_ones(
    member_client, member, after
):
    now = timezone.now()
    runs = [finished_run(member, after, started=now - timedelta(days=n), ticks=1) for n in range(7)]
    # Opened but nothing ticked yet: not worth listing.
    ChecklistRunFactory(user=member, checklist=Checklist.objects.get(slug="before-your-run"))
    listed = member_client.get(reverse("diary")).context["recent_checklist_runs"]
    assert [run.pk for run in listed] == [run.pk for run in runs[:5]]


def test_the_dashboard_counts_troubleshooter_answers(member_client, member):
    answer = TroubleshooterAnswerFactory()
    now = timezone.now()
    checklist_run = ChecklistRunFactory(
        user=member, checklist=answer.question.checklist, started=now, finished=now
    )
    ChecklistRunAnswer.objects.create(run=checklist_run, position=0, answer=answer)
    html = member_client.get(reverse("diary")).content.decode()
    assert "1 answer, finished" in html


def test_the_dashboard_without_checklist_runs_points_to_the_checklists(member_client):
    html = member_client.get(reverse("diary")).content.decode()
    assert "No checklists yet." in html
    assert f'href="{reverse("checklist_list")}"' in html


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The diary's queries are listed in test_diary_views.py (four of them read the charts).
@pytest.mark.parametrize(("name", "limit"), [("diary", 13), ("checklist_run_list", 5)])
def test_queries_do_not_grow_with_the_checklist_runs(
    client, django_assert_max_num_queries, name, limit
):
    """N+1 guard: counts are subqueries, the checklist and the diary run are joined."""
    checklist = ChecklistFactory(kind=ChecklistKind.CHECKLIST, attaches_to_run=True)
    ChecklistStepFactory.create_batch(4, checklist=checklist)
    counts = []
    for size in (1, 30):
        member = UserFactory()
        for n in range(size):
            checklist_run = finished_run(
                member, checklist, ticks=2, started=NOON - timedelta(days=n)
            )
            services.checklist_run_attach(
                checklist_run=checklist_run,
                run=RunFactory(user=member, date=(NOON - timedelta(days=n)).date()),
            )
        client.force_login(member)
        with django_assert_max_num_queries(limit):
            counts.append(count_queries(client, reverse(name)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("diary_runs", [1, 25])
def test_run_page_and_its_link_action_queries_do_not_grow_with_the_diary(
    member_client, member, after, django_assert_max_num_queries, diary_runs
):
    """N+1 guard: the runs offered for linking come in one query, the ticks and steps in one each.

    Measured: page 7, link 9, an invalid choice shown again 6.
    """
    checklist_run = finished_run(member, after, ticks=5)
    today = member_today(member)
    runs = [RunFactory(user=member, date=today - timedelta(days=n)) for n in range(diary_runs)]
    with django_assert_max_num_queries(8):
        assert member_client.get(checklist_run.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert link(member_client, checklist_run, runs[-1]).status_code == 302
    with django_assert_max_num_queries(8):
        assert link(member_client, checklist_run, "nonsense").status_code == 200


# --- The JSON export


def test_the_export_includes_checklist_runs_with_their_steps_answers_and_run(
    member_client, member, other_member, after
):
    checklist_run = finished_run(member, after, ticks=2, notes="Calves tight <b>")
    diary_run = RunFactory(user=member)
    services.checklist_run_attach(checklist_run=checklist_run, run=diary_run)
    first = TroubleshooterAnswerFactory(text="Both legs")
    second = TroubleshooterAnswerFactory(question__checklist=first.question.checklist)
    troubleshooter_run = ChecklistRunFactory(
        user=member,
        checklist=first.question.checklist,
        started=checklist_run.started + timedelta(minutes=5),
    )
    ChecklistRunAnswer.objects.create(run=troubleshooter_run, position=1, answer=second)
    ChecklistRunAnswer.objects.create(run=troubleshooter_run, position=0, answer=first)
    finished_run(other_member, after, notes="someone else's")

    data = json.loads(member_client.get(reverse("account_export")).content)

    steps = list(after.steps.all())
    assert data["checklist_runs"] == [
        {
            "checklist": "after-your-run",
            "title": "After your run",
            "started": checklist_run.started.isoformat(),
            "finished": checklist_run.finished.isoformat(),
            "ticked_steps": [steps[0].text, steps[1].text],
            "answers": [],
            "notes": "Calves tight <b>",
            "diary_run": {"id": diary_run.pk, "date": diary_run.date.isoformat()},
        },
        {
            "checklist": first.question.checklist.slug,
            "title": first.question.checklist.title,
            "started": troubleshooter_run.started.isoformat(),
            "finished": None,
            "ticked_steps": [],
            "answers": [
                {"question": first.question.text, "answer": "Both legs"},
                {"question": second.question.text, "answer": second.text},
            ],
            "notes": "",
            "diary_run": None,
        },
    ]
    assert [run["id"] for run in data["runs"]] == [diary_run.pk]


def test_deleting_the_account_deletes_its_linked_checklist_runs(member_client, member, after):
    checklist_run, diary_run = finished_run(member, after), RunFactory(user=member)
    services.checklist_run_attach(checklist_run=checklist_run, run=diary_run)
    response = member_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not ChecklistRun.objects.exists()
    assert not Run.objects.exists()
