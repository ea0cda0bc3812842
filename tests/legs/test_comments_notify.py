"""Reply notifications by email, and the one-click unsubscribe."""

import re

import pytest
from django.core import mail
from django.test import Client

from legs import services
from legs.models import Comment, Status
from tests.factories import CommentFactory, ModeratorFactory, UserFactory

from .comments_support import post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker(tip):
    return CommentFactory(tip=tip, name="Priya", email="priya@example.com", notify_on_reply=True)


@pytest.fixture
def trusted(db):
    """A member whose replies are published at once."""
    user = UserFactory()
    CommentFactory(user=user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_published_reply_emails_the_author_who_asked(
    tip, asker, trusted, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://lighterlegs.example"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client_for(trusted), tip, parent=str(asker.pk), body="Try shorter runs.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya@example.com"]
    assert trusted.public_name in message.subject
    assert "Try shorter runs." in message.body
    thread_url = f"https://lighterlegs.example{tip.get_absolute_url()}#comment-{asker.pk}"
    assert thread_url in message.body
    # The token is timestamped, so compare what it opens rather than its text.
    prefix = "https://lighterlegs.example/comments/unsubscribe/"
    token = re.search(re.escape(prefix) + r"([^/\s]+)/", message.body).group(1)
    assert Comment.from_unsubscribe_token(token) == asker
    unsubscribe = f"{prefix}{token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_email_when_the_author_did_not_ask(tip, trusted, django_capture_on_commit_callbacks):
    parent = CommentFactory(tip=tip, notify_on_reply=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client_for(trusted), tip, parent=str(parent.pk))
    assert mail.outbox == []


def test_no_email_for_a_held_reply_until_it_is_approved(
    client, tip, asker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, tip, parent=str(asker.pk), body="A visitor's reply")
    assert mail.outbox == []
    reply = Comment.objects.get(body="A visitor's reply")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comments=[reply], status=Status.APPROVED)
    assert len(mail.outbox) == 1
    # Approving it again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comments=[reply], status=Status.APPROVED)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM])
def test_no_email_for_a_rejected_or_spam_reply(
    client, tip, asker, status, django_capture_on_commit_callbacks
):
    post_comment(client, tip, parent=str(asker.pk), body="A visitor's reply")
    reply = Comment.objects.get(body="A visitor's reply")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comments=[reply], status=status)
    assert mail.outbox == []


def test_nobody_is_emailed_about_their_own_reply(tip, trusted, django_capture_on_commit_callbacks):
    own = CommentFactory(tip=tip, user=trusted, email=trusted.email, notify_on_reply=True)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client_for(trusted), tip, parent=str(own.pk), body="Update: better now")
    assert Comment.objects.get(body="Update: better now").status == Status.APPROVED
    assert mail.outbox == []


def test_visitor_replying_in_their_own_thread_is_not_emailed(
    tip, asker, django_capture_on_commit_callbacks
):
    reply = CommentFactory(tip=tip, parent=asker, email="PRIYA@example.com", status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comments=[reply], status=Status.APPROVED)
    assert mail.outbox == []


def test_coach_reply_emails_the_asker(tip, asker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply_as_coach(comment=asker, moderator=ModeratorFactory(), body="Rest.")
    assert len(mail.outbox) == 1
    assert "(coach)" in mail.outbox[0].body


def test_member_is_emailed_at_their_current_address(tip, django_capture_on_commit_callbacks):
    member = UserFactory(email="old@example.com")
    parent = CommentFactory(tip=tip, user=member, email=member.email, notify_on_reply=True)
    member.email = "new@example.com"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply_as_coach(comment=parent, moderator=ModeratorFactory(), body="Hi")
    assert mail.outbox[0].to == ["new@example.com"]


def test_a_name_with_a_line_break_cannot_break_the_subject(
    tip, asker, django_capture_on_commit_callbacks
):
    moderator = ModeratorFactory(display_name="Coach\nBcc: x@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply_as_coach(comment=asker, moderator=moderator, body="Hello")
    assert "\n" not in mail.outbox[0].subject


# --- unsubscribe


def test_unsubscribe_link_shows_one_button_and_changes_nothing_by_itself(client, asker):
    url = f"/comments/unsubscribe/{asker.unsubscribe_token()}/"
    html = client.get(url).content.decode()
    assert "Stop these emails" in html
    asker.refresh_from_db()
    assert asker.notify_on_reply


def test_unsubscribe_needs_no_login_and_no_csrf_token(
    asker, tip, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    url = f"/comments/unsubscribe/{asker.unsubscribe_token()}/"
    response = client.post(url)
    assert response.status_code == 200
    assert "No more reply emails" in response.content.decode()
    asker.refresh_from_db()
    assert not asker.notify_on_reply
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply_as_coach(comment=asker, moderator=ModeratorFactory(), body="Hi")
    assert mail.outbox == []
    # A second click is harmless.
    assert client.post(url).status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "1:abc:def"])
def test_unsubscribe_with_a_bad_token_is_a_clear_404(client, asker, token):
    response = client.get(f"/comments/unsubscribe/{token}/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_unsubscribe_token_for_one_comment_does_not_work_for_another(asker):
    other = CommentFactory(notify_on_reply=True)
    assert Comment.from_unsubscribe_token(asker.unsubscribe_token()) == asker
    assert asker.unsubscribe_token() != other.unsubscribe_token()
