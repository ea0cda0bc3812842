"""The runner's stretch hold (20, 30 or 45 s each side): said on each stretch, chosen by a small
form, kept in a visitor's session or a member's profile, and part of a cached page's key."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from legs.models import Checklist, StepKind
from legs.progress import HOLD_SESSION_KEY
from tests.factories import ChecklistFactory, ChecklistStepFactory
from tests.support import HTMX, page_digest

pytestmark = pytest.mark.django_db

AFTER = "/checklists/after-your-run/"
EACH_SIDE = ["Quads", "Hamstrings", "Glutes", "Hips", "Arms and shoulders"]


@pytest.fixture
def after(catalogue):
    return Checklist.objects.get(slug="after-your-run")


def choose(client, hold, **kwargs):
    return client.post(reverse("checklist_hold", args=["after-your-run"]), {"hold": hold}, **kwargs)


def holds_said(html: str) -> list[str]:
    return re.findall(r'<p class="step-hold mb-1">(Hold [^<]+)</p>', html)


def test_every_stretch_says_its_hold_in_words_each_side_where_it_has_sides(client, after):
    html = client.get(AFTER).content.decode()
    assert holds_said(html) == ["Hold 30 s each side"] * 4 + ["Hold 30 s"] + ["Hold 30 s each side"]
    sides = [step.text.split(":")[0] for step in after.steps.filter(each_side=True)]
    assert sides == EACH_SIDE
    assert html.count("data-stretch") == 6
    assert html.count('data-sides="2" data-stretch') == 5


def test_the_page_offers_the_hold_choice_and_the_guided_stretches(client, after):
    html = client.get(AFTER).content.decode()
    assert 'id="guided-stretches"' in html
    assert 'action="/checklists/after-your-run/hold/"' in html
    assert re.search(r'value="30"[^>]*checked', html)
    assert "Start guided stretches" in html
    before = client.get("/checklists/before-your-run/").content.decode()
    assert 'id="guided-stretches"' not in before  # no stretches there


def test_a_visitor_chooses_a_hold_without_javascript_and_it_stays_in_their_session(client, after):
    response = choose(client, "45")
    assert response.status_code == 302
    assert response["Location"] == f"{AFTER}#guided-stretches"
    assert client.session[HOLD_SESSION_KEY] == 45
    html = client.get(AFTER).content.decode()
    assert "Each stretch now holds 45 s." in html
    assert holds_said(html)[0] == "Hold 45 s each side"
    quads = after.steps.get(text__startswith="Quads")
    assert f'data-step="{quads.pk}" data-duration="45"' in html
    assert '<span class="timer-display" role="timer" aria-label="Time left">0:45</span>' in html
    cool_down = after.steps.get(kind=StepKind.TIMED)
    assert f'data-step="{cool_down.pk}" data-duration="600"' in html  # not a stretch
    assert holds_said(Client().get(AFTER).content.decode())[0] == "Hold 30 s each side"


def test_a_member_chooses_a_hold_and_it_stays_in_their_profile(client, member, after):
    client.force_login(member)
    assert choose(client, "20").status_code == 302
    member.refresh_from_db()
    assert member.stretch_hold == 20
    assert HOLD_SESSION_KEY not in client.session
    again = Client()
    again.force_login(member)
    assert holds_said(again.get(AFTER).content.decode())[0] == "Hold 20 s each side"
    profile = again.get(reverse("profile")).content.decode()
    assert re.search(r'<option value="20" selected>20 seconds</option>', profile)


@pytest.mark.parametrize("bad", ["25", "0", "thirty", "", "30.5"])
def test_a_hold_other_than_20_30_or_45_is_refused_with_the_reason(client, member, after, bad):
    response = choose(client, bad, follow=True)
    assert "20, 30 or 45 seconds" in response.content.decode()
    assert HOLD_SESSION_KEY not in client.session
    client.force_login(member)
    response = choose(client, bad, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "20, 30 or 45 seconds" in html
    assert "hx-swap-oob" not in html
    member.refresh_from_db()
    assert member.stretch_hold == 30


def test_with_htmx_the_hold_form_comes_back_with_each_stretch_out_of_band(client, after):
    response = choose(client, "20", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<form id="stretch-hold"')
    assert re.search(r'value="20"[^>]*checked', html)
    assert html.count('class="checklist-step" hx-swap-oob="true"') == 6
    assert holds_said(html) == ["Hold 20 s each side"] * 4 + ["Hold 20 s"] + ["Hold 20 s each side"]
    assert '<p id="timer-status" hx-swap-oob="innerHTML">Each stretch now holds 20 s.</p>' in html


def test_a_tick_keeps_the_runners_hold_on_its_step(client, after):
    choose(client, "45")
    quads = after.steps.get(text__startswith="Quads")
    url = reverse("checklist_tick", args=[after.slug, quads.pk])
    html = client.post(url, {"ticked": "1"}, headers=HTMX).content.decode()
    assert holds_said(html) == ["Hold 45 s each side"]


def test_two_visitors_with_different_holds_each_get_their_own_cached_page(
    after, django_assert_max_num_queries
):
    short, long, newcomer = Client(), Client(), Client()
    # Chosen as htmx does, so no "now holds" message waits (a page with one is never cached).
    choose(short, "20", headers=HTMX)
    choose(long, "45", headers=HTMX)
    short.get(AFTER)  # each rendered once, and cached under its visitor's hold
    long.get(AFTER)
    first_newcomer = newcomer.get(AFTER)
    for visitor, said in ((short, "Hold 20 s"), (long, "Hold 45 s")):
        # From the cache: at most the session is read (none with cached_db sessions).
        with django_assert_max_num_queries(1):
            response = visitor.get(AFTER)
        assert holds_said(response.content.decode())[0] == f"{said} each side"
    with django_assert_max_num_queries(0):
        again = Client().get(AFTER)
    assert page_digest(again) == page_digest(first_newcomer)
    assert holds_said(again.content.decode())[0] == "Hold 30 s each side"


@pytest.mark.parametrize("stretches", [2, 30])
def test_choosing_a_hold_takes_as_many_queries_for_any_number_of_stretches(
    client, member, catalogue, django_assert_max_num_queries, stretches
):
    """N+1 guard: the stretches come with their tips in one query.

    Measured: 7 queries for a member (their run, the save, the session)."""
    checklist = ChecklistFactory()
    for _ in range(stretches):
        ChecklistStepFactory(
            checklist=checklist, kind=StepKind.STRETCH, duration_seconds=30, each_side=True
        )
    client.force_login(member)
    url = reverse("checklist_hold", args=[checklist.slug])
    with django_assert_max_num_queries(8):
        response = client.post(url, {"hold": "45"}, headers=HTMX)
    assert response.content.decode().count("Hold 45 s each side") == stretches


def test_only_a_stretch_is_held_on_each_side(catalogue):
    step = ChecklistStepFactory.build(
        checklist=ChecklistFactory(), kind=StepKind.TASK, each_side=True
    )
    with pytest.raises(ValidationError, match="Only a stretch is held on each side"):
        step.full_clean()


def test_the_hold_is_part_of_a_members_profile_and_data(member_client, member):
    response = member_client.post(
        reverse("profile"),
        {
            "display_name": "",
            "email": member.email,
            "units": "km",
            "time_zone": "UTC",
            "stretch_hold": "99",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert User.objects.get(pk=member.pk).stretch_hold == 30
    export = member_client.get(reverse("account_export")).json()
    assert export["profile"]["stretch_hold"] == 30
