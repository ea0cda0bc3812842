import re

import pytest
from django.test import Client
from django.urls import reverse

from legs.models import Checklist, ChecklistRun, StepKind, Tip
from tests.factories import (
    ChecklistFactory,
    ChecklistRunFactory,
    ChecklistStepFactory,
    UserFactory,
)
from tests.support import HTMX, SCRIPT, TROUBLESHOOTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def after(catalogue):
    return Checklist.objects.get(slug="after-your-run")


def steps_of(checklist):
    return list(checklist.steps.all())


def tick(client, step, ticked="1", **kwargs):
    url = reverse("checklist_tick", args=[step.checklist.slug, step.pk])
    return client.post(url, {"ticked": ticked}, **kwargs)


def progress_text(response):
    match = re.search(r"(\d+) of (\d+) done", response.content.decode())
    return match.group(0) if match else None


# --- pages


def test_list_shows_the_three_checklists_and_the_troubleshooter(client, after):
    response = client.get(reverse("checklist_list"))
    html = response.content.decode()
    assert response.status_code == 200
    for title in ["Before your run", "During your run", "After your run"]:
        assert title in html
    assert f'href="/checklists/{TROUBLESHOOTER}/"' in html


def test_list_offers_members_their_saved_runs_and_visitors_a_sign_up(client, member, after):
    assert reverse("signup") in client.get(reverse("checklist_list")).content.decode()
    client.force_login(member)
    assert reverse("checklist_run_list") in client.get(reverse("checklist_list")).content.decode()


def test_nav_and_home_link_to_the_checklists(client, after):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("checklist_list")}"' in html
    assert f'href="/checklists/{TROUBLESHOOTER}/"' in html


def test_checklist_page_shows_each_step_with_why_tip_and_timer(client, after):
    response = client.get(after.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 of 10 done" in html
    assert '<progress max="10" value="0"' in html
    quads = next(step for step in steps_of(after) if step.text.startswith("Quads"))
    assert f'data-step="{quads.pk}" data-duration="30"' in html
    assert 'href="/tips/cool-down-after-each-run/"' in html
    assert 'data-timer-action="start"' in html
    assert "<script>" not in html
    assert " style=" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_pain_check_links_to_the_troubleshooter(client, after):
    html = client.get("/checklists/before-your-run/").content.decode()
    assert f'href="/checklists/{TROUBLESHOOTER}/"' in html


def test_unknown_checklist_is_a_404(client, after):
    assert client.get("/checklists/no-such-list/").status_code == 404


# --- ticking


def test_ticking_without_htmx_redirects_back_to_the_step(client, after):
    step = steps_of(after)[2]
    response = tick(client, step)
    assert response.status_code == 302
    assert response["Location"] == f"{after.get_absolute_url()}#step-{step.pk}"
    page = client.get(after.get_absolute_url())
    assert "1 of 10 done" in page.content.decode()


def test_ticking_with_htmx_returns_the_step_and_the_progress_out_of_band(client, after):
    step = steps_of(after)[0]
    response = tick(client, step, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert f'<li id="step-{step.pk}" class="checklist-step is-done">' in html
    assert 'aria-pressed="true"' in html
    assert 'name="ticked" value="0"' in html
    assert 'id="checklist-progress"' in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert '<progress max="10" value="1"' in html
    assert "1 of 10 done" in html


def test_progress_counts_each_tick_and_untick(client, after):
    steps = steps_of(after)
    for count, step in enumerate(steps[:3], start=1):
        assert progress_text(tick(client, step, headers=HTMX)) == f"{count} of 10 done"
    response = tick(client, steps[1], ticked="0", headers=HTMX)
    assert progress_text(response) == "2 of 10 done"
    assert 'aria-pressed="false"' in response.content.decode()


def test_ticking_twice_counts_once(client, after):
    step = steps_of(after)[0]
    tick(client, step)
    assert progress_text(tick(client, step, headers=HTMX)) == "1 of 10 done"


def test_ticking_every_step_says_all_done(client, after):
    for step in steps_of(after):
        response = tick(client, step, headers=HTMX)
    assert "10 of 10 done: all done" in response.content.decode()


# --- visitors' state lives in the session


def test_a_visitors_ticks_survive_a_reload_in_their_session(client, after):
    steps = steps_of(after)
    tick(client, steps[0])
    tick(client, steps[4])
    html = client.get(after.get_absolute_url()).content.decode()
    assert "2 of 10 done" in html
    assert html.count('aria-pressed="true"') == 2
    assert ChecklistRun.objects.count() == 0
    assert client.session["checklists"][str(after.pk)]["ticked"] == sorted(
        [steps[0].pk, steps[4].pk]
    )


def test_another_visitor_does_not_see_someone_elses_ticks(client, after):
    tick(client, steps_of(after)[0])
    assert "0 of 10 done" in Client().get(after.get_absolute_url()).content.decode()


def test_ticks_are_kept_per_checklist(client, after):
    tick(client, steps_of(after)[0])
    assert "0 of 5 done" in client.get("/checklists/before-your-run/").content.decode()


# --- members' runs are saved


def test_a_members_first_tick_opens_a_saved_run(member_client, member, after):
    step = steps_of(after)[0]
    tick(member_client, step)
    run = ChecklistRun.objects.get()
    assert run.user == member
    assert run.finished is None
    assert list(run.ticked_steps.all()) == [step]


def test_a_members_ticks_come_back_in_a_new_session(client, member, after):
    client.force_login(member)
    tick(client, steps_of(after)[1])
    fresh = Client()
    fresh.force_login(member)
    assert "1 of 10 done" in fresh.get(after.get_absolute_url()).content.decode()


def test_untick_removes_the_step_from_the_saved_run(member_client, after):
    step = steps_of(after)[0]
    tick(member_client, step)
    tick(member_client, step, ticked="0")
    assert ChecklistRun.objects.get().ticked_steps.count() == 0


def test_finishing_shows_a_summary_that_offers_members_to_log_the_run(member_client, after):
    steps = steps_of(after)
    tick(member_client, steps[0])
    response = member_client.post(reverse("checklist_finish", args=[after.slug]), follow=True)
    html = response.content.decode()
    run = ChecklistRun.objects.get()
    assert "Finished: 1 of 10 steps done" in html
    # After your run: the diary run logged from here is linked to it.
    assert f'href="/diary/runs/new/?checklist_run={run.pk}"' in html
    assert steps[1].text in html  # listed as skipped
    assert run.finished is not None


def test_finishing_shows_visitors_a_sign_up_offer(client, after):
    tick(client, steps_of(after)[0])
    html = client.post(reverse("checklist_finish", args=[after.slug]), follow=True)
    html = html.content.decode()
    assert "Finished: 1 of 10 steps done" in html
    assert reverse("signup") in html
    assert "/diary/runs/new/" not in html


def test_finishing_with_nothing_ticked_is_refused_with_a_message(member_client, after):
    response = member_client.post(reverse("checklist_finish", args=[after.slug]), follow=True)
    assert "Tick at least one step" in response.content.decode()
    assert not ChecklistRun.objects.filter(finished__isnull=False).exists()


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_ticking_a_finished_checklist_is_refused_and_changes_nothing(
    client, member, after, who, headers
):
    if who == "member":
        client.force_login(member)
    steps = steps_of(after)
    tick(client, steps[0])
    client.post(reverse("checklist_finish", args=[after.slug]))
    response = tick(client, steps[1], headers=headers)
    if headers:
        assert response["HX-Redirect"] == after.get_absolute_url()
    else:
        assert response.status_code == 302
    html = client.get(after.get_absolute_url()).content.decode()
    assert "You have finished this checklist" in html
    assert "Finished: 1 of 10 steps done" in html
    if who == "member":
        assert list(ChecklistRun.objects.get().ticked_steps.all()) == [steps[0]]


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_start_again_clears_the_ticks_and_keeps_finished_runs(client, member, after, who):
    if who == "member":
        client.force_login(member)
    tick(client, steps_of(after)[0])
    client.post(reverse("checklist_finish", args=[after.slug]))
    response = client.post(reverse("checklist_restart", args=[after.slug]))
    assert response.status_code == 302
    assert "0 of 10 done" in client.get(after.get_absolute_url()).content.decode()
    tick(client, steps_of(after)[1])
    if who == "member":
        assert ChecklistRun.objects.filter(finished__isnull=False).count() == 1
        assert ChecklistRun.objects.filter(finished__isnull=True).count() == 1


def test_start_again_on_a_run_in_progress_drops_it(member_client, after):
    tick(member_client, steps_of(after)[0])
    member_client.post(reverse("checklist_restart", args=[after.slug]))
    run = ChecklistRun.objects.get()
    assert run.ticked_steps.count() == 0


# --- My checklists


def test_my_checklists_lists_only_my_runs_with_progress(member_client, member, after):
    tick(member_client, steps_of(after)[0])
    ChecklistRunFactory(checklist=after)  # someone else's
    response = member_client.get(reverse("checklist_run_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 of 10 steps" in html
    assert html.count("After your run") == 1


def test_my_checklists_needs_a_log_in(client):
    response = client.get(reverse("checklist_run_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_run_detail_for_the_owner_shows_steps_done(member_client, after):
    tick(member_client, steps_of(after)[0])
    run = ChecklistRun.objects.get()
    html = member_client.get(run.get_absolute_url()).content.decode()
    assert steps_of(after)[0].text in html


def test_another_members_run_is_a_404(member_client, after):
    run = ChecklistRunFactory(checklist=after)
    assert member_client.get(run.get_absolute_url()).status_code == 404
    response = member_client.post(run.get_absolute_url(), {"notes": "mine now"})
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.notes == ""


def test_a_visitor_asking_for_a_run_is_sent_to_log_in(client, after):
    run = ChecklistRunFactory(checklist=after)
    response = client.get(run.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_run_notes_are_saved_and_escaped(member_client, member, after):
    run = ChecklistRunFactory(user=member, checklist=after)
    response = member_client.post(run.get_absolute_url(), {"notes": f"{SCRIPT}\nlegs ok"})
    assert response.status_code == 302
    html = member_client.get(run.get_absolute_url()).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>legs ok" in html


# --- bad input


def test_an_unknown_step_is_a_404(client, after):
    url = reverse("checklist_tick", args=[after.slug, 999999])
    assert client.post(url, {"ticked": "1"}).status_code == 404


def test_a_step_of_another_checklist_is_a_404_and_changes_nothing(member_client, after):
    before_step = Checklist.objects.get(slug="before-your-run").steps.first()
    url = reverse("checklist_tick", args=[after.slug, before_step.pk])
    assert member_client.post(url, {"ticked": "1"}).status_code == 404
    assert not ChecklistRun.objects.exists()


def test_ticking_on_the_troubleshooter_is_a_404(client, after):
    step = steps_of(after)[0]
    url = reverse("checklist_tick", args=[TROUBLESHOOTER, step.pk])
    assert client.post(url, {"ticked": "1"}).status_code == 404


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_a_malformed_tick_gets_a_message_and_changes_nothing(member_client, after, value):
    response = tick(member_client, steps_of(after)[0], ticked=value, follow=True)
    assert "That tick was not understood" in response.content.decode()
    assert not ChecklistRun.objects.exists()


def test_ticking_by_get_is_not_allowed(client, after):
    step = steps_of(after)[0]
    response = client.get(reverse("checklist_tick", args=[after.slug, step.pk]))
    assert response.status_code == 405


def test_a_forged_tick_without_csrf_token_is_refused(member, after):
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(member)
    response = tick(forged, steps_of(after)[0])
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    assert not ChecklistRun.objects.exists()


# --- queries stay constant however long the checklist


def _checklist_with(steps: int) -> Checklist:
    checklist = ChecklistFactory()
    tips = list(Tip.objects.all())
    troubleshooter = Checklist.objects.get(slug=TROUBLESHOOTER)
    for number in range(steps):
        ChecklistStepFactory(
            checklist=checklist,
            tip=tips[number % len(tips)],
            opens_checklist=troubleshooter,
            kind=StepKind.STRETCH if number % 2 else StepKind.TASK,
            duration_seconds=30 if number % 2 else None,
        )
    return checklist


@pytest.mark.parametrize("size", [3, 40])
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_queries_per_page_and_per_tick_do_not_grow_with_the_checklist(
    client, member, after, django_assert_max_num_queries, size, who
):
    """N+1 guard: steps come with their tips in one query, ticks are one set lookup.

    Measured: page 3 queries (visitor) / 6 (member); HTMX tick 7 / 14 (a member's tick locks
    and writes the run inside savepoints, each counted).
    """
    if who == "member":
        client.force_login(member)
    checklist = _checklist_with(size)
    steps = steps_of(checklist)
    for step in steps[: size // 2]:
        tick(client, step)
    with django_assert_max_num_queries(8):
        client.get(checklist.get_absolute_url())
    with django_assert_max_num_queries(14):
        tick(client, steps[-1], headers=HTMX)


@pytest.mark.parametrize("runs", [2, 25])
def test_my_checklists_queries_do_not_grow_with_the_runs(
    member_client, member, after, django_assert_max_num_queries, runs
):
    """N+1 guard: counts are annotated, the checklist is joined."""
    for _ in range(runs):
        run = ChecklistRunFactory(user=member, checklist=after)
        run.ticked_steps.add(*steps_of(after)[:2])
        run.finished = run.started
        run.save()
    with django_assert_max_num_queries(5):
        response = member_client.get(reverse("checklist_run_list"))
    assert response.content.decode().count("2 of 10 steps") == runs


def test_a_checklist_owned_by_no_one_can_be_seen_by_anyone(client, after):
    member = UserFactory()
    client.force_login(member)
    assert client.get(after.get_absolute_url()).status_code == 200
