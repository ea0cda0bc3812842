"""Posting comments and replies on a tip: who is held, who is published, what is refused."""

import pytest
from django.test import Client
from django.urls import reverse

from legs.forms import comments as comment_forms
from legs.models import Comment, DisallowedWord, Status
from tests.factories import (
    CoachReplyFactory,
    CommentFactory,
    ReplyFactory,
    TipFactory,
)
from tests.support import SCRIPT, tip_page

from .comments_support import comment_data, post_comment, served_token

pytestmark = pytest.mark.django_db


# --- who is held and who is published


def test_visitor_comment_is_held_and_shown_only_to_its_author(client, tip):
    response = post_comment(client, tip, body="Heavy legs on every hill since May.")
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert response.status_code == 302
    assert response["Location"] == f"{tip.get_absolute_url()}#comment-{comment.pk}"

    html = client.get(response["Location"]).content.decode()
    assert "Heavy legs on every hill since May." in html
    assert "Awaiting moderation" in html
    assert "Your comment is awaiting moderation" in html

    assert "Heavy legs on every hill since May." not in tip_page(Client(), tip)


def test_visitor_htmx_post_answers_with_the_thread_and_a_notice_out_of_band(client, tip):
    response = post_comment(client, tip, htmx=True, body="Does this get better?")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert response["HX-Retarget"] == "#comment-thread"
    assert response["HX-Reswap"] == "outerHTML"
    assert 'id="comment-thread"' in html
    assert 'id="comment-notice" aria-live="polite" hx-swap-oob="innerHTML"' in html
    assert "Your comment is awaiting moderation" in html
    assert "Does this get better?" in html


def test_member_without_an_approved_comment_is_held_and_sees_it(member_client, member, tip):
    post_comment(member_client, tip, body="First time asking.")
    comment = Comment.objects.get()
    assert (comment.status, comment.user) == (Status.PENDING, member)
    assert "First time asking." in tip_page(member_client, tip)
    assert "First time asking." not in tip_page(Client(), tip)


def test_trusted_member_posts_straight_through_under_the_account_name(member_client, member, tip):
    CommentFactory(user=member)
    response = post_comment(
        member_client, tip, name="Someone Else", email="else@example.com", body="Trusted now."
    )
    comment = Comment.objects.get(tip=tip)
    assert comment.status == Status.APPROVED
    assert (comment.name, comment.email) == (member.public_name, member.email)
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "Trusted now." in tip_page(Client(), tip)


def test_member_is_not_asked_for_name_or_email(member_client, member, tip):
    html = tip_page(member_client, tip)
    assert 'name="body"' in html
    assert 'name="name"' not in html
    assert 'name="email"' not in html
    assert f"You are commenting as <strong>{member.public_name}</strong>" in html


def test_visitor_form_says_all_fields_are_required_and_email_is_private(client, tip):
    html = tip_page(client, tip)
    assert "All fields are required." in html
    assert "Your email address will not be published." in html
    for name in ("name", "email", "body"):
        assert f'name="{name}"' in html


def test_moderator_comment_is_published_at_once_with_the_coach_badge(moderator_client, tip):
    post_comment(moderator_client, tip, body="Coach here: keep them easy.")
    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED
    assert comment.by_coach
    html = tip_page(Client(), tip)
    assert "Coach here: keep them easy." in html
    assert "coach-badge" in html


def test_more_than_two_links_hold_even_a_trusted_member(member_client, member, tip):
    CommentFactory(user=member)
    body = "See http://a.example, https://b.example and www.c.example"
    post_comment(member_client, tip, body=body)
    assert Comment.objects.get(tip=tip).status == Status.PENDING


def test_two_links_do_not_hold_a_trusted_member(member_client, member, tip):
    CommentFactory(user=member)
    post_comment(member_client, tip, body="See http://a.example and https://b.example")
    assert Comment.objects.get(tip=tip).status == Status.APPROVED


def test_disallowed_word_marks_a_comment_as_spam_shown_to_nobody(client, member, tip):
    DisallowedWord.objects.create(word="Casino")
    response = post_comment(client, tip, htmx=True, body="Best CASINO bonus here")
    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    # Its author is told what anyone held is told, and it is not shown, even to them.
    assert "Your comment is awaiting moderation" in response.content.decode()
    assert "Best CASINO bonus" not in tip_page(client, tip)


def test_disallowed_words_catch_a_trusted_member_and_the_name_too(member_client, member, tip):
    CommentFactory(user=member)
    DisallowedWord.objects.create(word="payday loan")
    DisallowedWord.objects.create(word="casino king")
    post_comment(member_client, tip, body="Try a Payday Loan today")
    post_comment(Client(), tip, name="Casino King", body="hello", ip="10.0.0.9")
    assert Comment.objects.get(tip=tip, user=member).status == Status.SPAM
    assert Comment.objects.get(body="hello").status == Status.SPAM


def test_disallowed_words_match_whole_words_only():
    DisallowedWord.objects.create(word="loan")
    assert DisallowedWord.found_in("a LOAN offer") == ["loan"]
    assert DisallowedWord.found_in("my legs felt loaned to someone else") == []


# --- spam defences: refused with a clear message, text kept


def assert_refused_keeping_text(response, message, body="Keep this text, please."):
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert body in html
    assert not Comment.objects.exists()


def test_honeypot_refuses_and_keeps_the_text(client, tip):
    response = post_comment(
        client, tip, website="http://spam.example", body="Keep this text, please."
    )
    assert_refused_keeping_text(response, comment_forms.REFUSED_HONEYPOT)


def test_form_sent_within_three_seconds_is_refused(client, tip):
    response = post_comment(client, tip, ts=served_token(1), body="Keep this text, please.")
    assert_refused_keeping_text(response, comment_forms.REFUSED_TOO_FAST)


@pytest.mark.parametrize("token", ["", "1700000000.0", "garbage:token", "tampered"])
def test_tampered_time_token_is_refused(client, tip, token):
    if token == "tampered":
        good = served_token()
        token = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    response = post_comment(client, tip, ts=token, body="Keep this text, please.")
    assert_refused_keeping_text(response, comment_forms.REFUSED_TAMPERED)


def test_form_open_for_days_is_refused_and_a_fresh_token_is_served(client, tip, settings):
    response = post_comment(
        client, tip, ts=served_token(3 * 24 * 3600), body="Keep this text, please."
    )
    assert_refused_keeping_text(response, comment_forms.REFUSED_EXPIRED)


def test_time_trap_minimum_comes_from_settings(client, tip, settings):
    settings.COMMENT_MIN_SECONDS = 0
    post_comment(client, tip, ts=served_token(0))
    assert Comment.objects.count() == 1


def test_rate_limit_is_five_comments_per_ten_minutes_per_ip(client, tip):
    for n in range(5):
        assert post_comment(client, tip, body=f"Comment {n}").status_code == 302
    response = post_comment(client, tip, body="Keep this text, please.")
    assert comment_forms.REFUSED_RATE in response.content.decode()
    assert "Keep this text, please." in response.content.decode()
    assert Comment.objects.count() == 5
    assert post_comment(Client(), tip, ip="10.0.0.2").status_code == 302


def test_rate_limit_also_counts_per_account_across_addresses(member_client, tip):
    for n in range(5):
        post_comment(member_client, tip, ip=f"10.1.0.{n}", body=f"Comment {n}")
    response = post_comment(member_client, tip, ip="10.1.0.99", body="Keep this text, please.")
    assert comment_forms.REFUSED_RATE in response.content.decode()
    assert Comment.objects.count() == 5


def test_refused_comment_with_htmx_answers_200_with_the_form_and_its_errors(client, tip):
    response = post_comment(client, tip, htmx=True, website="x", body="Keep this text, please.")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert comment_forms.REFUSED_HONEYPOT in html
    assert "Keep this text, please." in html


# --- bad input


def test_missing_fields_get_clear_messages(client, tip):
    response = client.post(reverse("comment_post", args=[tip.slug]), {"ts": served_token()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please give a name to show beside your comment." in html
    assert "Please give your email address." in html
    assert "Please write your comment." in html
    assert not Comment.objects.exists()


def test_blank_body_of_spaces_is_refused(client, tip):
    post_comment(client, tip, body="   \n  ")
    assert not Comment.objects.exists()


def test_invalid_email_is_refused_beside_the_field(client, tip):
    response = post_comment(client, tip, email="not-an-address", body="Keep this text, please.")
    assert_refused_keeping_text(response, "Please give a valid email address")


def test_ten_thousand_character_body_is_refused_with_its_length(client, tip):
    response = post_comment(client, tip, body="a" * 10_000)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please keep your comment to 3000 characters or fewer (it has 10000)." in html
    assert not Comment.objects.exists()


def test_too_long_name_is_refused(client, tip):
    response = post_comment(client, tip, name="n" * 61)
    assert "Please keep your name to 60 characters or fewer." in response.content.decode()
    assert not Comment.objects.exists()


def test_forged_fields_cannot_set_status_coach_or_owner(client, tip, member):
    forged = {
        "status": "approved",
        "by_coach": "on",
        "hidden": "",
        "user": str(member.pk),
        "tip": str(TipFactory().pk),
    }
    client.post(reverse("comment_post", args=[tip.slug]), comment_data(**forged))
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert not comment.by_coach
    assert comment.user is None
    assert comment.tip == tip


def test_unknown_or_unpublished_tip_is_404(client, tip):
    assert (
        client.post(reverse("comment_post", args=["no-such-tip"]), comment_data()).status_code
        == 404
    )
    hidden = TipFactory(is_published=False)
    assert post_comment(client, hidden).status_code == 404


def test_get_on_the_posting_url_is_refused(client, tip):
    assert client.get(reverse("comment_post", args=[tip.slug])).status_code == 405


@pytest.mark.parametrize(
    "make_parent",
    [
        pytest.param(lambda tip: ReplyFactory(parent__tip=tip), id="a-reply"),
        pytest.param(lambda tip: CommentFactory(), id="on-another-tip"),
        pytest.param(lambda tip: CommentFactory(tip=tip, status=Status.PENDING), id="pending"),
        pytest.param(lambda tip: CommentFactory(tip=tip, status=Status.REJECTED), id="rejected"),
        pytest.param(lambda tip: CommentFactory(tip=tip, status=Status.SPAM), id="spam"),
        pytest.param(lambda tip: CommentFactory(tip=tip, hidden=True), id="hidden-by-reports"),
    ],
)
def test_reply_to_a_comment_that_cannot_be_answered_is_refused(client, tip, make_parent):
    parent = make_parent(tip)
    before = Comment.objects.count()
    for htmx in (False, True):
        response = post_comment(
            client, tip, htmx=htmx, parent=str(parent.pk), body="Keep this text, please."
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert comment_forms.BAD_PARENT in html
        assert "Keep this text, please." in html
    assert Comment.objects.count() == before


@pytest.mark.parametrize(
    "value", ["abc", "-1", "1 OR 1=1", SCRIPT, "99999999", "9" * 30, "²", "١", " 1"]
)
def test_garbage_parent_is_refused_without_error(client, tip, value):
    response = post_comment(client, tip, parent=value)
    assert response.status_code == 200
    assert comment_forms.BAD_PARENT in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_is_attached_under_its_parent_on_its_tip(client, tip):
    parent = CommentFactory(tip=tip)
    post_comment(client, tip, parent=str(parent.pk), body="Same for me.")
    reply = Comment.objects.get(body="Same for me.")
    assert (reply.parent, reply.tip, reply.status) == (parent, tip, Status.PENDING)


def test_script_in_every_field_is_stored_as_text_and_escaped(client, tip):
    response = post_comment(client, tip, name=SCRIPT, body=f"{SCRIPT}\nsecond line")
    comment = Comment.objects.get()
    assert comment.name == SCRIPT
    comment.status = Status.APPROVED
    comment.save()
    html = tip_page(Client(), tip)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<br>second line" in html
    # A refused form echoes what was typed, escaped.
    response = post_comment(
        client, tip, htmx=True, name=SCRIPT, email=SCRIPT, body=SCRIPT, website=SCRIPT
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_email_is_never_shown_publicly(client, tip):
    parent = CommentFactory(tip=tip, email="hidden.parent@example.com")
    ReplyFactory(parent=parent, email="hidden.reply@example.com")
    html = tip_page(client, tip)
    assert "hidden.parent@example.com" not in html
    assert "hidden.reply@example.com" not in html


def test_readers_links_stay_text_and_coach_links_are_links(client, tip):
    parent = CommentFactory(tip=tip, body="My blog: https://reader.example/post")
    CoachReplyFactory(parent=parent, body="Read https://coach.example/guide")
    html = tip_page(client, tip)
    assert 'href="https://reader.example/post"' not in html
    assert "https://reader.example/post" in html
    assert 'href="https://coach.example/guide"' in html
