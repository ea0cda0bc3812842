"""Imported runs wait on the dashboard for the runner's effort and heaviness, never invented."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from legs.forms.diary import EffortForm
from legs.models import Run
from legs.models.diary import member_today
from legs.views.imports import EffortRow
from tests.factories import RunFactory
from tests.support import HTMX

pytestmark = pytest.mark.django_db


def imported_run(member, **fields) -> Run:
    return RunFactory(
        user=member, **({"source": "fit", "rpe": None, "leg_heaviness": None} | fields)
    )


def test_the_dashboard_lists_imported_runs_without_ratings_newest_first(member_client, member):
    today = member_today(member)
    older = imported_run(member, date=today - timedelta(days=3))
    newer = imported_run(member, date=today)
    RunFactory(user=member)  # typed in, rated: not asked about
    imported_run(member, rpe=4, leg_heaviness=2)  # already rated
    imported_run(member, effort_dismissed=True)
    page = member_client.get(reverse("diary")).content.decode()
    assert "Runs waiting for your effort and heaviness" in page
    assert page.index(reverse("run_effort", args=[newer.pk])) < page.index(
        reverse("run_effort", args=[older.pk])
    )
    assert page.count('<li class="pending-run ') == 2


def test_no_list_when_nothing_waits(member_client, member):
    RunFactory(user=member)
    assert (
        "Runs waiting for your effort" not in member_client.get(reverse("diary")).content.decode()
    )


def test_rating_without_javascript_saves_and_goes_back_to_the_diary(member_client, member):
    run = imported_run(member)
    response = member_client.post(
        reverse("run_effort", args=[run.pk]), {"rpe": "6", "leg_heaviness": "3"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("diary")
    run.refresh_from_db()
    assert (run.rpe, run.leg_heaviness) == (6, 3)
    assert (
        "Runs waiting for your effort" not in member_client.get(reverse("diary")).content.decode()
    )


def test_rating_by_htmx_answers_the_list_with_the_next_run(member_client, member):
    first, second = imported_run(member), imported_run(member)
    response = member_client.post(
        reverse("run_effort", args=[second.pk]), {"rpe": "5", "leg_heaviness": "4"}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]
    assert reverse("run_effort", args=[first.pk]) in page
    assert reverse("run_effort", args=[second.pk]) not in page


def test_the_last_rating_by_htmx_leaves_an_empty_placeholder(member_client, member):
    run = imported_run(member)
    response = member_client.post(
        reverse("run_effort", args=[run.pk]), {"rpe": "5", "leg_heaviness": "4"}, headers=HTMX
    )
    assert response.content.decode().strip().startswith('<div id="pending-effort"></div>')
    assert "pending-run" not in response.content.decode()


def test_an_incomplete_rating_by_htmx_shows_the_rows_error(member_client, member):
    run = imported_run(member)
    response = member_client.post(reverse("run_effort", args=[run.pk]), {"rpe": "5"}, headers=HTMX)
    assert response.status_code == 200
    assert "Choose both an effort and a heaviness." in response.content.decode()
    run.refresh_from_db()
    assert run.rpe is None


def test_an_incomplete_rating_without_javascript_says_so_on_the_diary(member_client, member):
    run = imported_run(member)
    response = member_client.post(reverse("run_effort", args=[run.pk]), {"rpe": "99"}, follow=True)
    assert "Choose both an effort and a heaviness" in response.content.decode()
    run.refresh_from_db()
    assert run.rpe is None


def test_dismissing_stops_the_asking_and_keeps_the_run_unrated(member_client, member):
    run = imported_run(member)
    member_client.post(reverse("run_effort", args=[run.pk]), {"dismiss": "1"})
    run.refresh_from_db()
    assert run.effort_dismissed
    assert run.rpe is None
    assert (
        "Runs waiting for your effort" not in member_client.get(reverse("diary")).content.decode()
    )


def test_another_members_run_is_a_404(member_client, other_member):
    theirs = imported_run(other_member)
    response = member_client.post(reverse("run_effort", args=[theirs.pk]), {"dismiss": "1"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.effort_dismissed


def test_the_list_shows_five_and_says_how_many_wait(member_client, member):
    for _ in range(7):
        imported_run(member)
    page = member_client.get(reverse("diary")).content.decode()
    assert page.count('<li class="pending-run ') == 5
    assert "7 in all; the newest first" in page


def test_an_imported_run_can_be_edited_without_ratings(member_client, member):
    run = imported_run(member, notes="from my watch")
    form = member_client.get(reverse("run_edit", args=[run.pk]))
    data = {
        name: value
        for name, value in form.context["form"].initial.items()
        if value is not None and name not in {"rpe", "leg_heaviness"}
    }
    data |= {"date": run.date.isoformat(), "duration": "30:00", "notes": "edited"}
    response = member_client.post(reverse("run_edit", args=[run.pk]), data)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.notes == "edited"
    assert run.rpe is None


def test_a_typed_in_run_still_needs_its_ratings(member_client, member):
    response = member_client.post(
        reverse("run_create"),
        {
            "date": "2024-01-01",
            "distance_km": "5",
            "duration": "30:00",
            "kind": "easy",
            "surface": "road",
        },
    )
    assert response.status_code == 200
    assert not Run.objects.exists()


@pytest.mark.parametrize(("rpe", "heaviness"), [(None, None), (7, None), (None, 0)])
def test_a_rows_selects_are_drawn_as_its_own_form_draws_them(member, rpe, heaviness):
    """The rows' selects are drawn from options shared by every row: the same bytes."""
    for run in (
        imported_run(member, rpe=rpe, leg_heaviness=heaviness),
        imported_run(member, rpe=rpe, leg_heaviness=heaviness),
    ):
        row = EffortRow.of_run(run)
        form = EffortForm(instance=run)
        assert (row.rpe, row.leg_heaviness) == (str(form["rpe"]), str(form["leg_heaviness"]))
        assert (row.rpe_id, row.leg_heaviness_id) == (
            form["rpe"].id_for_label,
            form["leg_heaviness"].id_for_label,
        )
        chosen = "" if rpe is None else rpe
        assert row.rpe.count("selected") == 1
        assert f'<option value="{chosen}" selected>' in row.rpe
