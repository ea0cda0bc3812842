import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import UserFactory
from tests.support import HTMX, page_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm_up(catalogue):
    """A tip of the real catalogue."""
    from legs.models import Tip

    return Tip.objects.get(slug="warm-up-for-ten-minutes")


def test_a_first_time_visitor_gets_the_cached_page_without_queries(
    client, warm_up, django_assert_num_queries
):
    url = warm_up.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.status_code == 200
    assert warm_up.title in second.content.decode()
    assert page_digest(second) == page_digest(first)


def test_a_cached_page_carries_a_working_csrf_token_for_its_visitor(client, catalogue):
    url = reverse("tip_list")
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(url).content.decode()
    token = re.search(r'"X-CSRFToken": "(\w+)"', html).group(1)
    response = visitor.post(
        reverse("login"), {"username": "x", "password": "y"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200  # the form answered; a CSRF failure would be 403


def test_members_never_get_or_leave_a_cached_page(client, catalogue):
    member = UserFactory(display_name="Zebedee")
    url = reverse("home")
    client.force_login(member)
    assert "Zebedee" in client.get(url).content.decode()
    visitor_page = Client().get(url).content.decode()
    assert "Zebedee" not in visitor_page
    assert "Zebedee" in client.get(url).content.decode()


def test_saving_content_retires_the_cached_pages(client, warm_up):
    url = warm_up.get_absolute_url()
    client.get(url)
    warm_up.title = "Warm up properly"
    warm_up.save()
    assert "Warm up properly" in Client().get(url).content.decode()


def test_a_matching_etag_gets_304_not_modified(client, catalogue):
    url = reverse("asked")
    Client().get(url)
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_visitors_with_a_session_get_a_fresh_page(client, catalogue):
    url = reverse("tip_list")
    Client().get(url)
    client.cookies["sessionid"] = "anything"
    response = client.get(url)
    assert "ETag" not in response


# --- Nothing cached for one reader is ever served to another
#
# Every view behind the public page cache is requested by a member with things of her own on it
# (her name, a comment awaiting moderation, ticks, troubleshooter answers), then by a visitor and
# by another member, and the other way round; then the members' own pages likewise.

CACHED_PAGES = [
    ("home", "/"),
    ("tip_list", "/tips/"),
    ("tip_detail", "/tips/warm-up-for-ten-minutes/"),
    ("cause_list", "/causes/"),
    ("cause_detail", "/causes/lactic-acid/"),
    ("source_detail", "/sources/avogel-heavy-legs/"),
    ("asked", "/asked/"),
    ("checklist_list", "/checklists/"),
    ("checklist_detail", "/checklists/before-your-run/"),
    ("checklist_detail", "/checklists/heavy-legs/"),
    ("troubleshooter_result", "/checklists/heavy-legs/result/"),
]
ALICE = "Alice Private"
ALICE_COMMENT = "Alice asks something only she may see yet"
TICKED = 'aria-pressed="true"'


def cached_view_names() -> set[str]:
    from django.urls import URLResolver, get_resolver

    names = set()
    patterns = list(get_resolver().url_patterns)
    while patterns:
        pattern = patterns.pop()
        if isinstance(pattern, URLResolver):
            patterns.extend(pattern.url_patterns)
        elif getattr(pattern.callback, "public_page_cache", False):
            names.add(pattern.name)
    return names


def first_answers(slug: str = "heavy-legs", *, choice: int = 0) -> list[tuple[str, int]]:
    """(question slug, answer id) from the first question to the result, taking the answer at
    `choice` on the first question and the first answer after it."""
    from legs.models import Checklist
    from legs.troubleshooter import Troubleshooter

    tree = Troubleshooter(Checklist.objects.get(slug=slug))
    route, question = [], tree.start
    for n in range(len(tree.questions)):
        answers = list(question.answers.all())
        answer = answers[choice if n == 0 else 0]
        route.append((question.slug, answer.pk))
        if answer.ends:
            return route
        question = tree.by_pk[answer.next_question_id]
    raise AssertionError("the troubleshooter never ends")


def answer_all(client: Client, route: list[tuple[str, int]]) -> None:
    for question, answer in route:
        response = client.post(
            "/checklists/heavy-legs/answer/", {"question": question, "answer": answer}
        )
        assert response.status_code == 302


def tick_first_step(client: Client, slug: str = "before-your-run") -> None:
    from legs.models import Checklist

    step = Checklist.objects.get(slug=slug).steps.first()
    response = client.post(f"/checklists/{slug}/steps/{step.pk}/", {"ticked": "1"})
    assert response.status_code == 302


@pytest.fixture
def alice(catalogue):
    from legs.models import Comment, Status, Tip

    member = UserFactory(display_name=ALICE)
    alice_client = Client()
    alice_client.force_login(member)
    Comment.objects.create(
        tip=Tip.objects.get(slug="warm-up-for-ten-minutes"),
        user=member,
        name=ALICE,
        email=member.email,
        body=ALICE_COMMENT,
        status=Status.PENDING,
    )
    tick_first_step(alice_client)
    answer_all(alice_client, first_answers())
    return alice_client


def test_every_cached_view_is_checked_for_leaks_below():
    assert cached_view_names() == {name for name, _ in CACHED_PAGES}


@pytest.mark.parametrize(("name", "path"), CACHED_PAGES)
def test_a_members_page_never_reaches_another_member_or_a_visitor(alice, name, path):
    bob = Client()
    bob.force_login(UserFactory(display_name="Bob Other"))
    assert ALICE in alice.get(path, follow=True).content.decode()  # rendered for her
    for other in (Client(), bob, Client()):
        html = other.get(path, follow=True).content.decode()
        assert ALICE not in html
        assert ALICE_COMMENT not in html
        assert TICKED not in html
    # And the copy cached for visitors meanwhile never reaches her either.
    html = alice.get(path, follow=True).content.decode()
    assert ALICE in html
    if name == "tip_detail":
        assert ALICE_COMMENT in html
    if path == "/checklists/before-your-run/":
        assert TICKED in html


@pytest.mark.parametrize(("name", "path"), CACHED_PAGES)
def test_a_cached_fragment_is_never_served_as_the_page_or_to_a_history_restore(
    catalogue, name, path
):
    Client().get(path, headers=HTMX)  # the htmx rendering cached first
    assert "<html" in Client().get(path, follow=True).content.decode()
    restore = Client().get(path, headers=HTMX | {"HX-History-Restore-Request": "true"})
    if restore.status_code == 200:
        assert "<html" in restore.content.decode()


def test_a_visitors_ticks_are_theirs_alone_though_their_page_is_cached(catalogue):
    path = "/checklists/before-your-run/"
    ticking = Client()
    tick_first_step(ticking)
    assert ticking.get(path).content.decode().count(TICKED) == 1
    assert TICKED not in Client().get(path).content.decode()
    other = Client()
    tick_first_step(other, "after-your-run")  # a session, with progress elsewhere
    assert TICKED not in other.get(path).content.decode()
    assert ticking.get(path).content.decode().count(TICKED) == 1


def test_visitors_get_the_troubleshooter_result_of_their_own_answers(catalogue):
    from legs.models import TroubleshooterAnswer

    path = "/checklists/heavy-legs/result/"
    first, second = Client(), Client()
    first_route, second_route = first_answers(choice=0), first_answers(choice=1)
    answer_all(first, first_route)
    answer_all(second, second_route)

    def chosen(route):
        return escape(TroubleshooterAnswer.objects.get(pk=route[0][1]).text)

    first_html = first.get(path).content.decode()
    second_html = second.get(path).content.decode()
    assert f"<strong>{chosen(first_route)}</strong>" in first_html
    assert f"<strong>{chosen(second_route)}</strong>" in second_html
    assert f"<strong>{chosen(first_route)}</strong>" not in second_html
    assert f"<strong>{chosen(second_route)}</strong>" not in first_html


def test_visitors_with_the_same_answers_share_one_cached_result(
    catalogue, django_assert_max_num_queries
):
    path = "/checklists/heavy-legs/result/"
    route = first_answers()
    first, second = Client(), Client()
    answer_all(first, route)
    answer_all(second, route)
    digest = page_digest(first.get(path))
    # At most the visitor's session (none with Redis's cached_db sessions): nothing rendered.
    with django_assert_max_num_queries(1):
        response = second.get(path)
    assert page_digest(response) == digest


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(catalogue):
    from legs.models import Checklist

    visitor = Client()
    question = Checklist.objects.get(slug="heavy-legs").questions.last()
    # Jumping ahead is refused with a message, shown on the page it redirects to.
    response = visitor.get(f"/checklists/heavy-legs/?q={question.slug}", follow=True)
    assert "Answer the questions in order" in response.content.decode()
    assert (
        "Answer the questions in order"
        not in Client().get("/checklists/heavy-legs/").content.decode()
    )


# --- Members' own pages: never cached, never shown to anyone else

MEMBER_PAGES = [
    "diary",
    "run_list",
    "checkin_list",
    "saved_tips",
    "checklist_run_list",
    "profile",
]


@pytest.fixture
def alice_with_a_diary(alice):
    from decimal import Decimal

    from legs.models import Tip
    from tests.factories import CheckInFactory, RunFactory, SavedTipFactory

    member = get_user(alice)
    RunFactory(user=member, distance_km=Decimal("37.125"), notes="Alice's river loop")
    CheckInFactory(user=member, notes="Alice slept badly")
    SavedTipFactory(user=member, tip=Tip.objects.get(slug="herbal-gels"))
    return alice


def get_user(client: Client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


ALICE_DIARY = ["37.12 km", "37.1", "Alice&#x27;s river loop", "Alice slept badly", "Herbal gels"]


@pytest.mark.parametrize("name", MEMBER_PAGES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_members_own_page_never_shows_to_another_member_even_after_she_loaded_it(
    alice_with_a_diary, name, htmx
):
    url = reverse(name)
    headers = HTMX if htmx else {}
    mine = alice_with_a_diary.get(url, headers=headers)
    assert mine.status_code == 200
    assert "public_page_cache" not in vars(mine.resolver_match.func)
    assert "ETag" not in mine  # rendered for her, not kept
    bob = Client()
    bob.force_login(UserFactory(display_name="Bob Other"))
    theirs = bob.get(url, headers=headers)
    assert theirs.status_code == 200
    html = theirs.content.decode()
    assert ALICE not in html
    for mark in ALICE_DIARY:
        if mark in mine.content.decode():
            assert mark not in html
    visitor = Client().get(url)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith(reverse("login"))


def test_a_members_saved_tips_on_the_list_never_reach_a_visitor_or_another_member(catalogue):
    """The tips list has save buttons for members only, each in the member's own state; the
    copy cached for visitors has none, and nobody is served another's."""
    from legs.models import SavedTip, Tip

    alice_user = UserFactory(display_name=ALICE)
    SavedTip.objects.create(user=alice_user, tip=Tip.objects.get(slug="get-enough-sleep"))
    alice, bob = Client(), Client()
    alice.force_login(alice_user)
    bob.force_login(UserFactory(display_name="Bob Other"))
    removes = 'Remove from My tips<span class="visually-hidden"> – Sleep seven'
    for headers in ({}, HTMX):
        assert removes in alice.get("/tips/?q=sleep", headers=headers).content.decode()
        for visitor in (Client(), Client()):
            html = visitor.get("/tips/?q=sleep", headers=headers).content.decode()
            assert "My tips</button>" not in html
            assert "save-box-" not in html
        html = bob.get("/tips/?q=sleep", headers=headers).content.decode()
        assert removes not in html
        assert "Save to My tips<span" in html
        assert removes in alice.get("/tips/?q=sleep", headers=headers).content.decode()


def test_a_cached_page_without_a_fresh_field_makes_none_for_its_visitor(catalogue, monkeypatch):
    from config import public_cache

    made = []
    monkeypatch.setitem(public_cache.FRESH_FIELDS, "unused_field", lambda request: made.append(1))
    url = reverse("tip_list")
    Client().get(url)
    assert Client().get(url).status_code == 200
    assert made == []
