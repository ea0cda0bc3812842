"""Reading a thread, checking fields as they are left, replying in place, reporting."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legs.formats import avatar
from legs.models import Comment, CommentReport, Status
from tests.factories import CoachReplyFactory, CommentFactory, ReplyFactory
from tests.support import HTMX, SCRIPT, tip_page

from .comments_support import comment_data, post_comment

pytestmark = pytest.mark.django_db


def ago(days: int):
    return timezone.now() - datetime.timedelta(days=days)


# --- the thread


def test_threads_newest_first_with_replies_oldest_first(client, tip):
    old = CommentFactory(tip=tip, body="Old question", created=ago(10))
    new = CommentFactory(tip=tip, body="New question", created=ago(1))
    ReplyFactory(parent=old, body="Second reply", created=ago(5))
    ReplyFactory(parent=old, body="First reply", created=ago(8))
    html = tip_page(client, tip)
    assert html.index("New question") < html.index("Old question")
    assert html.index("Old question") < html.index("First reply") < html.index("Second reply")
    assert f'id="comment-{new.pk}"' in html


def test_count_shows_approved_comments_and_replies_only(client, tip):
    parent = CommentFactory(tip=tip)
    ReplyFactory(parent=parent)
    CommentFactory(tip=tip, status=Status.PENDING)
    CommentFactory(tip=tip, status=Status.SPAM)
    CommentFactory(tip=tip, hidden=True)
    CommentFactory()  # another tip
    html = tip_page(client, tip)
    assert (
        '<span id="comment-count" class="badge rounded-pill text-bg-light">2'
        '<span class="visually-hidden"> comments</span>' in html
    )


def test_rejected_spam_and_hidden_comments_are_not_shown(client, tip):
    CommentFactory(tip=tip, status=Status.REJECTED, body="Rejected words")
    CommentFactory(tip=tip, status=Status.SPAM, body="Spam words")
    CommentFactory(tip=tip, hidden=True, body="Hidden words")
    parent = CommentFactory(tip=tip)
    ReplyFactory(parent=parent, status=Status.PENDING, body="Someone else's pending reply")
    html = tip_page(client, tip)
    for words in ("Rejected words", "Spam words", "Hidden words", "Someone else's pending"):
        assert words not in html


def test_each_comment_has_an_avatar_name_date_and_time(client, tip):
    comment = CommentFactory(
        tip=tip, name="Zoe", created=datetime.datetime(2026, 3, 4, 19, 38, tzinfo=datetime.UTC)
    )
    html = tip_page(client, tip)
    assert '<span class="avatar avatar-' in html
    assert ">Z</span>" in html
    assert '<strong class="comment-author">Zoe</strong>' in html
    assert '<time datetime="2026-03-04T19:38:00+00:00">4 Mar 2026, 19:38</time>' in html
    assert comment.pk


def test_avatar_is_the_first_letter_escaped_and_stable():
    assert ">S</span>" in avatar("sam")
    assert avatar("Sam") == avatar(" sam")
    assert ">?</span>" in avatar("<>")
    assert "<script" not in avatar(SCRIPT)


def test_coach_reply_carries_the_badge_and_readers_do_not(client, tip):
    parent = CommentFactory(tip=tip, name="Reader")
    CoachReplyFactory(parent=parent)
    html = tip_page(client, tip)
    assert html.count('class="badge coach-badge">Coach</span>') == 1


def test_line_breaks_are_kept_and_no_html_is_rendered(client, tip):
    CommentFactory(tip=tip, body="Line one\nLine two <b>bold</b>")
    html = tip_page(client, tip)
    assert "Line one<br>Line two &lt;b&gt;bold&lt;/b&gt;" in html


def test_empty_thread_invites_the_first_question(client, tip):
    assert "No comments yet" in tip_page(client, tip)


# --- inline checks as a field is left


def check(client, tip, field, **data):
    return client.post(
        reverse("comment_check", args=[tip.slug]),
        comment_data(**data),
        headers=HTMX | {"HX-Trigger-Name": field, "HX-Trigger": f"id_{field}"},
    )


def test_field_left_with_good_input_says_check_input_ok(client, tip):
    response = check(client, tip, "name", name="Sam")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Check input OK" in html
    assert 'value="Sam"' in html


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("email", {"email": "nope"}, "Please give a valid email address"),
        ("name", {"name": ""}, "Please give a name to show beside your comment."),
        ("body", {"body": "x" * 3001}, "(it has 3001)"),
    ],
)
def test_field_left_with_bad_input_shows_the_error_beside_it(client, tip, field, data, message):
    html = check(client, tip, field, **data).content.decode()
    assert message in html
    assert "Check input OK" not in html


def test_field_check_ignores_other_fields_errors(client, tip):
    html = check(client, tip, "name", name="Sam", email="bad", ts="").content.decode()
    assert "Check input OK" in html
    assert "valid email" not in html


def test_field_check_of_a_reply_form_keeps_the_reply_form_ids(client, tip):
    parent = CommentFactory(tip=tip)
    html = check(client, tip, "body", parent=str(parent.pk)).content.decode()
    assert f'id="id_reply{parent.pk}_body"' in html


@pytest.mark.parametrize("field", ["website", "ts", "parent", "status", ""])
def test_field_check_of_anything_else_is_a_bad_request(client, tip, field):
    assert check(client, tip, field).status_code == 400


def test_field_check_escapes_what_was_typed(client, tip):
    html = check(client, tip, "name", name=SCRIPT).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_member_field_check_has_no_name_or_email(member_client, tip):
    assert check(member_client, tip, "name").status_code == 400
    assert "Check input OK" in check(member_client, tip, "body").content.decode()


def test_form_fields_carry_the_inline_check(client, tip):
    html = tip_page(client, tip)
    check_url = reverse("comment_check", args=[tip.slug])
    assert html.count(f'hx-post="{check_url}"') == 3


def test_submitted_form_marks_good_fields_ok_and_bad_ones_with_their_error(client, tip):
    html = post_comment(client, tip, email="bad").content.decode()
    assert html.count("Check input OK") == 2
    assert "Please give a valid email address" in html


# --- replying


def test_reply_link_opens_the_form_in_place_with_htmx(client, tip):
    parent = CommentFactory(tip=tip, name="Priya")
    url = reverse("comment_reply", args=[tip.slug, parent.pk])
    assert f'href="{url}" hx-get="{url}" hx-target="#reply-slot-{parent.pk}"' in tip_page(
        client, tip
    )
    response = client.get(url, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert f'id="reply-form-{parent.pk}"' in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Reply to Priya" in html
    assert 'name="notify_on_reply"' not in html
    assert 'hx-target="#comment-thread"' in html


def test_reply_link_without_js_is_a_reply_page_with_a_plain_form(client, tip):
    parent = CommentFactory(tip=tip, body="The question itself")
    html = client.get(reverse("comment_reply", args=[tip.slug, parent.pk])).content.decode()
    assert "<html" in html
    assert "The question itself" in html
    assert f'name="parent" value="{parent.pk}"' in html
    # No thread on this page to redraw: the form posts and comes back to the tip.
    assert f'id="reply-form-{parent.pk}" class="comment-form" method="post"' in html
    assert 'hx-target="#comment-thread"' not in html


@pytest.mark.parametrize(
    "make",
    [
        lambda tip: ReplyFactory(parent__tip=tip),
        lambda tip: CommentFactory(tip=tip, status=Status.PENDING),
        lambda tip: CommentFactory(),
    ],
    ids=["a-reply", "pending", "other-tip"],
)
def test_reply_page_for_a_comment_that_cannot_be_answered_is_404(client, tip, make):
    comment = make(tip)
    assert client.get(reverse("comment_reply", args=[tip.slug, comment.pk])).status_code == 404


def test_reply_and_report_with_an_absurd_id_are_404(client, tip):
    huge = "9" * 30
    assert client.get(f"/tips/{tip.slug}/comments/{huge}/reply/").status_code == 404
    assert client.post(f"/tips/{tip.slug}/comments/{huge}/report/").status_code == 404


def test_invalid_reply_without_js_comes_back_on_the_reply_page(client, tip):
    parent = CommentFactory(tip=tip, body="The question itself")
    response = post_comment(client, tip, parent=str(parent.pk), email="bad", body="My reply text")
    html = response.content.decode()
    assert "Reply to" in html
    assert "The question itself" in html
    assert "My reply text" in html
    assert "Please give a valid email address" in html


def test_invalid_reply_with_htmx_stays_in_place_under_its_comment(client, tip):
    parent = CommentFactory(tip=tip)
    response = post_comment(
        client, tip, htmx=True, parent=str(parent.pk), email="bad", body="My reply text"
    )
    html = response.content.decode()
    slot = html.index(f'id="reply-slot-{parent.pk}"')
    assert html.index(f'id="reply-form-{parent.pk}"') > slot
    assert "My reply text" in html


def test_visitor_sees_their_pending_reply_under_the_comment(client, tip):
    parent = CommentFactory(tip=tip, body="Question")
    post_comment(client, tip, parent=str(parent.pk), body="My pending reply")
    html = tip_page(client, tip)
    assert html.index("Question") < html.index("My pending reply")
    assert "My pending reply" not in tip_page(Client(), tip)


# --- reporting


def report(client, comment, ip="10.0.0.1", htmx=False):
    url = reverse("comment_report", args=[comment.tip.slug, comment.pk])
    return client.post(url, headers=HTMX if htmx else {}, REMOTE_ADDR=ip)


def test_three_reports_hide_a_comment_until_a_moderator_looks(client, tip):
    comment = CommentFactory(tip=tip, body="Rude words")
    for n in range(2):
        report(Client(), comment, ip=f"10.2.0.{n}")
    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden) == (2, False)
    assert "Rude words" in tip_page(client, tip)
    report(Client(), comment, ip="10.2.0.9")
    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden) == (3, True)
    assert "Rude words" not in tip_page(client, tip)


def test_second_report_by_the_same_reader_does_not_count(client, tip, member):
    comment = CommentFactory(tip=tip)
    report(client, comment)
    response = report(client, comment)
    assert "reported this comment already" in client.get(response["Location"]).content.decode()
    member_client = Client()
    member_client.force_login(member)
    report(member_client, comment, ip="10.3.0.1")
    report(member_client, comment, ip="10.3.0.2")
    comment.refresh_from_db()
    assert comment.report_count == 2
    assert CommentReport.objects.count() == 2


def test_report_with_htmx_answers_in_place(client, tip):
    comment = CommentFactory(tip=tip)
    response = report(client, comment, htmx=True)
    html = response.content.decode()
    assert "<html" not in html
    assert "Thank you for telling us" in html
    assert 'role="status"' in html


def test_report_without_js_redirects_to_the_thread(client, tip):
    comment = CommentFactory(tip=tip)
    response = report(client, comment)
    assert response.status_code == 302
    assert response["Location"] == f"{tip.get_absolute_url()}#comments"


def test_only_public_comments_on_that_tip_can_be_reported(client, tip):
    assert report(client, CommentFactory(tip=tip, status=Status.PENDING)).status_code == 404
    assert report(client, CommentFactory(tip=tip, hidden=True)).status_code == 404
    other = CommentFactory()
    url = reverse("comment_report", args=[tip.slug, other.pk])
    assert client.post(url).status_code == 404
    assert client.get(reverse("comment_report", args=[tip.slug, other.pk])).status_code == 405


def test_the_ip_of_a_reporter_or_commenter_is_never_stored_raw(client, tip):
    comment = CommentFactory(tip=tip)
    report(client, comment, ip="203.0.113.7")
    post_comment(client, tip, ip="203.0.113.7")
    assert "203.0.113.7" not in CommentReport.objects.get().ip_hash
    assert "203.0.113.7" not in Comment.objects.get(parent=None, status=Status.PENDING).ip_hash
