"""Comforts for commenters: editing their own comment for 15 minutes, the thread oldest or
newest first, and the name and email remembered by the browser only."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legs.models import Comment, DisallowedWord, Status
from tests.factories import CommentFactory, ModeratorFactory, TipFactory
from tests.legs.comments_support import post_comment
from tests.support import HTMX

pytestmark = pytest.mark.django_db


def edit_url(comment) -> str:
    return reverse("comment_edit", args=[comment.tip.slug, comment.pk])


def posted_by(client, tip, **fields) -> Comment:
    post_comment(client, tip, **fields)
    return Comment.objects.latest("pk")


# --- editing one's own comment


def test_a_visitor_edits_their_comment_and_it_shows_as_edited(tip):
    visitor = Client()
    comment = posted_by(visitor, tip, body="My legs are heavy")
    page = visitor.get(tip.get_absolute_url()).content.decode()
    assert f'href="{edit_url(comment)}"' in page
    form = visitor.get(edit_url(comment))
    assert form.status_code == 200
    assert "no-store" in form["Cache-Control"]
    response = visitor.post(edit_url(comment), {"body": "My legs are heavy after hills"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "My legs are heavy after hills"
    assert comment.edited is not None
    assert "(edited)" in visitor.get(tip.get_absolute_url()).content.decode()


def test_nobody_else_edits_a_comment_and_nobody_after_fifteen_minutes(tip, member_client):
    visitor = Client()
    comment = posted_by(visitor, tip, body="Mine")
    assert Client().get(edit_url(comment)).status_code == 404
    assert member_client.post(edit_url(comment), {"body": "Hijacked"}).status_code == 404
    Comment.objects.filter(pk=comment.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert visitor.post(edit_url(comment), {"body": "Too late"}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine"
    assert f'href="{edit_url(comment)}"' not in visitor.get(tip.get_absolute_url()).content.decode()


def test_a_tampered_session_token_edits_nothing(tip):
    visitor = Client()
    comment = posted_by(visitor, tip, body="Mine")
    session = visitor.session
    session["comment_edit_tokens"] = {str(comment.pk): "forged:token"}
    session.save()
    assert visitor.post(edit_url(comment), {"body": "Changed"}).status_code == 404


def test_a_member_edits_their_own_comment_by_account(member, member_client):
    comment = CommentFactory(user=member, body="Before")
    response = member_client.post(edit_url(comment), {"body": "After"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "After"


def test_an_empty_or_too_long_edit_is_refused_keeping_the_text(member, member_client):
    comment = CommentFactory(user=member, body="Before")
    response = member_client.post(edit_url(comment), {"body": "   "})
    assert "Please write your comment." in response.content.decode()
    response = member_client.post(edit_url(comment), {"body": "word " * 700})
    assert "3000 characters or fewer" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Before"


def test_an_edit_adding_links_goes_back_to_moderation_and_tells_moderators(
    member, member_client, django_capture_on_commit_callbacks
):
    moderator = ModeratorFactory()
    comment = CommentFactory(user=member, body="Fine words")
    links = "See http://a.example http://b.example http://c.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(edit_url(comment), {"body": links}, follow=True)
    assert "waits for a moderator" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert comment.held_reasons == ["more than two links"]
    assert [m.to for m in mail.outbox] == [[moderator.email]]


def test_an_edit_adding_a_disallowed_word_is_spam(member, member_client):
    DisallowedWord.objects.create(word="casino")
    comment = CommentFactory(user=member, body="Fine words")
    member_client.post(edit_url(comment), {"body": "Try the casino"})
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


# --- oldest or newest first


def shown(html: str) -> list[str]:
    return re.findall(r"Question (\w+) here", html)


def test_the_thread_reads_oldest_first_from_a_link_kept_in_the_address(client):
    tip = TipFactory()
    now = timezone.now()
    for n, word in enumerate(["one", "two", "three"]):
        CommentFactory(
            tip=tip, body=f"Question {word} here", created=now - datetime.timedelta(days=3 - n)
        )
    newest = client.get(tip.get_absolute_url()).content.decode()
    assert shown(newest) == ["three", "two", "one"]
    assert f'href="{tip.get_absolute_url()}?order=oldest#comments"' in newest
    oldest = client.get(tip.get_absolute_url(), {"order": "oldest"}).content.decode()
    assert shown(oldest) == ["one", "two", "three"]
    assert '<strong aria-current="true">oldest first</strong>' in oldest


def test_the_order_link_redraws_only_the_thread_for_htmx(client):
    tip = TipFactory()
    CommentFactory(tip=tip, body="Question one here")
    response = client.get(tip.get_absolute_url(), {"order": "oldest"}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="comment-thread"' in html
    assert "HX-Request" in response["Vary"]
    assert response["HX-Retarget"] == "#comment-thread"


def test_pages_keep_the_order(client):
    tip = TipFactory()
    now = timezone.now()
    for n in range(25):
        CommentFactory(
            tip=tip, body=f"Question q{n} here", created=now - datetime.timedelta(hours=25 - n)
        )
    first = client.get(tip.get_absolute_url(), {"order": "oldest"}).content.decode()
    assert shown(first)[0] == "q0"
    assert (
        f'href="{tip.get_absolute_url()}?order=oldest&amp;page=2#comments">Newer comments' in first
    )
    second = client.get(tip.get_absolute_url(), {"order": "oldest", "page": "2"}).content.decode()
    assert shown(second) == ["q20", "q21", "q22", "q23", "q24"]


# --- remembered by the browser only


def test_the_remember_box_is_never_sent_and_never_filled_by_the_server(client, tip):
    html = client.get(tip.get_absolute_url()).content.decode()
    box = re.search(r"<input[^>]*data-remember[^>]*>", html).group(0)
    assert "name=" not in box
    assert "checked" not in box
    assert "Remember my name and email in this browser" in html
    assert "js/remember.js" in html


@pytest.mark.parametrize("others", [0, 40])
def test_the_edit_page_makes_the_same_few_queries_however_long_the_thread(
    member, member_client, django_assert_max_num_queries, others
):
    comment = CommentFactory(user=member, body="Before")
    CommentFactory.create_batch(others, tip=comment.tip)
    with django_assert_max_num_queries(8):
        assert member_client.get(edit_url(comment)).status_code == 200
