"""The thread on the tip page, the tips list's counts, and the demo threads."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from legs import services
from legs.forms.comments import TIME_TRAP_SALT
from legs.models import Comment, Status, Tip
from legs.models.comments import with_comment_counts
from tests.factories import CommentFactory, ModeratorFactory, ReplyFactory, TipFactory
from tests.support import tip_page

from .comments_support import post_comment

pytestmark = pytest.mark.django_db


def make_comments(tip: Tip, total: int) -> None:
    """`total` comments: threads of one question, a reader's reply and a coach's answer."""
    coach = ModeratorFactory()
    questions = Comment.objects.bulk_create(
        Comment(
            tip=tip,
            name=f"Reader {n}",
            email=f"r{n}@example.com",
            body="Why?",
            status=Status.APPROVED,
        )
        for n in range(total // 3)
    )
    replies = []
    for question in questions:
        replies.append(
            Comment(
                tip=tip,
                parent=question,
                name="Other",
                email="o@example.com",
                body="Same",
                status=Status.APPROVED,
            )
        )
        replies.append(
            Comment(
                tip=tip,
                parent=question,
                user=coach,
                name="Coach",
                email=coach.email,
                body="Rest",
                status=Status.APPROVED,
                by_coach=True,
            )
        )
    Comment.objects.bulk_create(replies)
    assert Comment.objects.filter(tip=tip).count() == total


def queries_for(client: Client, url: str) -> int:
    caches["pages"].clear()  # count the page as rendered, not as served from the public page cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["visitor", "visitor-with-pending", "member"])
def test_tip_page_query_count_is_the_same_with_3_and_300_comments(who, member):
    small, large = TipFactory(), TipFactory()
    make_comments(small, 3)
    make_comments(large, 300)
    client = Client()
    if who == "member":
        client.force_login(member)
    if who == "visitor-with-pending":
        post_comment(client, small)
        post_comment(client, large)
    # N+1 guard: the thread is two queries, the threads and one prefetch of all their replies.
    queries_for(client, small.get_absolute_url())  # warm the session and content types
    assert queries_for(client, small.get_absolute_url()) == queries_for(
        client, large.get_absolute_url()
    )


def test_tip_page_has_the_thread_in_its_comments_section(client):
    tip = TipFactory()
    CommentFactory(tip=tip, body="A question on the tip page")
    html = client.get(tip.get_absolute_url()).content.decode()
    section = html[html.index('<section id="comments"') :]
    assert 'id="comments-heading"' in section
    assert "A question on the tip page" in section
    assert 'id="comment-form"' in section


def test_with_comment_counts_counts_public_comments_per_tip_in_one_query(django_assert_num_queries):
    busy, quiet = TipFactory(), TipFactory()
    parent = CommentFactory(tip=busy)
    CommentFactory(tip=busy, parent=parent)
    CommentFactory(tip=busy, status=Status.PENDING)
    CommentFactory(tip=busy, hidden=True)
    with django_assert_num_queries(1):
        counts = {t.pk: t.comment_count for t in with_comment_counts(Tip.objects.published())}
    assert counts[busy.pk] == 2
    assert counts[quiet.pk] == 0


# --- seed_demo


def run_seed(capsys) -> dict[str, str]:
    call_command("seed_demo")
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines() if line.startswith("  ")]
    return {parts[0]: parts[1] for parts in lines if len(parts) == 2}


def test_seed_demo_adds_a_member_a_moderator_and_fictional_threads(capsys):
    passwords = run_seed(capsys)
    member = User.objects.get(username="demo")
    coach = User.objects.get(username="coach")
    assert member.check_password(passwords["demo"])
    assert coach.check_password(passwords["coach"])
    assert coach.is_moderator
    assert Comment.objects.filter(by_coach=True, user=coach).count() >= 2
    assert Comment.objects.filter(user=member, status=Status.APPROVED).exists()
    assert Comment.objects.unanswered().exists()
    assert Comment.objects.filter(status=Status.PENDING).exists()
    assert Comment.objects.filter(parent__isnull=False, by_coach=False).exists()
    # Invented readers only: none of the article's commenters.
    names = set(Comment.objects.values_list("name", flat=True))
    assert not names & {"Sushmitha", "Earle", "Zee", "Yvonika"}


def test_seed_demo_passwords_are_random_and_a_second_run_changes_nothing(capsys):
    first = run_seed(capsys)
    count = Comment.objects.count()
    call_command("seed_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert Comment.objects.count() == count
    User.objects.filter(username__in=["demo", "coach"]).delete()
    Comment.objects.all().delete()
    second = run_seed(capsys)
    assert first["demo"] != second["demo"]
    assert first["coach"] != second["coach"]


# --- the public page cache


def time_token_on(html: str) -> float:
    token = re.search(r'name="ts" value="([^"]+)"', html).group(1)
    return signing.loads(token, salt=TIME_TRAP_SALT)["at"]


def test_a_cached_tip_page_gives_every_visitor_a_fresh_time_trap(
    monkeypatch, django_assert_num_queries
):
    tip = TipFactory()
    Client().get(tip.get_absolute_url())
    later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    with django_assert_num_queries(0):  # served from the public page cache
        html = Client().get(tip.get_absolute_url()).content.decode()
    # Else a bot served a page cached seconds ago would pass the trap at once.
    assert time_token_on(html) == later


def test_publishing_a_comment_retires_the_cached_tip_page():
    tip = TipFactory()
    comment = CommentFactory(tip=tip, status=Status.PENDING, body="Soon published")
    assert "Soon published" not in Client().get(tip.get_absolute_url()).content.decode()
    services.comment_moderate(comments=[comment], status=Status.APPROVED)
    assert "Soon published" in Client().get(tip.get_absolute_url()).content.decode()


# --- the tips list


def test_tips_list_shows_each_tips_count_of_public_comments(client):
    busy, quiet = TipFactory(title="Busy tip"), TipFactory(title="Quiet tip")
    parent = CommentFactory(tip=busy)
    CommentFactory(tip=busy, parent=parent)
    CommentFactory(tip=busy, status=Status.PENDING)
    html = client.get(reverse("tip_list")).content.decode()
    assert f'href="{busy.get_absolute_url()}#comments">2 comments</a>' in html
    assert f'href="{quiet.get_absolute_url()}#comments">0 comments</a>' in html


def test_tips_list_query_count_is_the_same_with_3_and_300_comments():
    small, large = TipFactory(), TipFactory()
    make_comments(small, 3)
    queries = queries_for(Client(), reverse("tip_list"))
    make_comments(large, 300)
    # N+1 guard: the counts are one subquery of the list's own query.
    assert queries_for(Client(), reverse("tip_list")) == queries


# --- long threads come a page at a time


def make_threads(tip: Tip, count: int) -> list[Comment]:
    """`count` public top-level comments, oldest first (an hour apart)."""
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(hours=count)
    return Comment.objects.bulk_create(
        Comment(
            tip=tip,
            name=f"Reader {n}",
            email=f"r{n}@example.com",
            body=f"Question number {n}",
            status=Status.APPROVED,
            created=start + timedelta(hours=n),
        )
        for n in range(count)
    )


def shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Question number (\d+)", html)]


def test_a_long_thread_shows_twenty_threads_a_page_newest_first(client):
    tip = TipFactory()
    threads = make_threads(tip, 45)
    ReplyFactory(tip=tip, parent=threads[0], body="A reply on the last page")
    page_one = client.get(tip.get_absolute_url()).content.decode()
    assert shown(page_one) == list(range(44, 24, -1))
    assert f'href="{tip.get_absolute_url()}?page=2#comments">Older comments' in page_one
    assert "Newer comments" not in page_one
    assert "Page 1 of 3" in page_one
    # The count is of every public comment, not of the page's.
    assert '<span id="comment-count" class="badge rounded-pill text-bg-light">46<' in page_one
    last = client.get(f"{tip.get_absolute_url()}?page=3").content.decode()
    assert shown(last) == [4, 3, 2, 1, 0]
    assert "A reply on the last page" in last
    assert f'href="{tip.get_absolute_url()}?page=2#comments">Newer comments' in last


@pytest.mark.parametrize(("page", "first"), [("99", 4), ("0", 4), ("x", 44), ("-1", 4)])
def test_a_page_number_out_of_range_or_not_a_number_gets_the_nearest_page(client, page, first):
    tip = TipFactory()
    make_threads(tip, 45)
    response = client.get(f"{tip.get_absolute_url()}?page={page}")
    assert response.status_code == 200
    assert shown(response.content.decode())[0] == first


def test_a_comments_address_names_the_page_of_its_thread():
    tip = TipFactory()
    threads = make_threads(tip, 45)
    reply = ReplyFactory(tip=tip, parent=threads[3], status=Status.APPROVED)
    assert threads[44].get_absolute_url() == f"{tip.get_absolute_url()}#comment-{threads[44].pk}"
    assert threads[24].get_absolute_url().startswith(f"{tip.get_absolute_url()}?page=2#")
    assert reply.get_absolute_url() == f"{tip.get_absolute_url()}?page=3#comment-{reply.pk}"


def test_a_reply_to_an_old_thread_comes_back_on_that_threads_page(client):
    tip = TipFactory()
    threads = make_threads(tip, 45)
    response = post_comment(client, tip, parent=str(threads[3].pk), body="Late to this one")
    reply = Comment.objects.get(body="Late to this one")
    assert response["Location"] == f"{tip.get_absolute_url()}?page=3#comment-{reply.pk}"
    assert "Late to this one" in client.get(response["Location"]).content.decode()


def test_a_reply_posted_with_htmx_redraws_the_page_of_its_thread(client):
    tip = TipFactory()
    threads = make_threads(tip, 45)
    response = post_comment(
        client, tip, htmx=True, parent=str(threads[10].pk), body="Answered in place"
    )
    html = response.content.decode()
    assert "Answered in place" in html
    assert shown(html)[0] == 24  # the second page, which holds thread 10
    refused = post_comment(client, tip, htmx=True, parent=str(threads[3].pk), body="")
    assert shown(refused.content.decode())[0] == 4  # the form with its error, on its page


def test_every_time_on_a_tip_page_is_valid_html_to_the_second(client):
    """The W3C checker refuses fractions of a second in `<time datetime>`."""
    tip = TipFactory()
    ReplyFactory(parent=CommentFactory(tip=tip), tip=tip)
    values = re.findall(r'<time datetime="([^"]+)"', tip_page(client, tip))
    assert len(values) >= 3  # the last review, the source's date and the comments
    pattern = r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d))?"
    assert [value for value in values if not re.fullmatch(pattern, value)] == []
