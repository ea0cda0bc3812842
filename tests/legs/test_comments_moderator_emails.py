"""Moderators told about held comments (each, hourly or never), their emails' signed links
through a confirmation page, and the commenter told once when a held comment is published."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legs import moderation_mail
from legs.models import Comment, DigestHour, HeldEmails, ModeratorSettings, Status
from tests.factories import PASSWORD, CommentFactory, ModeratorFactory, UserFactory
from tests.legs.comments_support import post_comment

pytestmark = pytest.mark.django_db

SITE = "https://lighterlegs.example"
LINK = re.compile(r"^(Approve|Mark as spam|Open in the admin): (\S+)$", re.M)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def hold(tip, capture, **fields) -> Comment:
    """A visitor's comment, held, with the emails it sets off sent."""
    with capture(execute=True):
        post_comment(Client(), tip, **fields)
    return Comment.objects.latest("pk")


def links(message) -> dict[str, str]:
    return {words: urlsplit(url).path for words, url in LINK.findall(message.body)}


def test_a_held_comment_emails_each_moderator_with_why_and_links(
    tip, moderator, django_capture_on_commit_callbacks
):
    question = CommentFactory(tip=tip, name="Priya", body="Why do my legs ache?")
    comment = hold(
        tip,
        django_capture_on_commit_callbacks,
        parent=str(question.pk),
        body="Me too, see http://a.example http://b.example http://c.example",
    )
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    body = mail.outbox[0].body
    assert tip.title in mail.outbox[0].subject
    for text in (
        "Me too, see http://a.example",
        tip.title,
        "Why it is held: first comment from this person, more than two links.",
        "It answers Priya:",
        "Why do my legs ache?",
    ):
        assert text in body
    assert set(links(mail.outbox[0])) == {"Approve", "Mark as spam", "Open in the admin"}
    comment.refresh_from_db()
    assert comment.moderators_emailed


def test_the_held_email_task_mails_once_however_often_it_runs(tip, moderator):
    comment = CommentFactory(tip=tip, status=Status.PENDING)
    assert moderation_mail.send_held(comment.pk) == 1
    assert moderation_mail.send_held(comment.pk) == 0
    assert len(mail.outbox) == 1


def test_moderators_who_chose_none_or_hourly_get_no_email_per_comment(
    tip, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for choice in (HeldEmails.NONE, HeldEmails.HOURLY):
        ModeratorSettings.objects.create(user=ModeratorFactory(), held_emails=choice)
    hold(tip, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_the_first_held_comment_of_an_hour_enqueues_one_digest_at_the_hours_end(
    tip, django_capture_on_commit_callbacks, settings
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    hourly = ModeratorFactory()
    ModeratorSettings.objects.create(user=hourly, held_emails=HeldEmails.HOURLY)
    first = hold(tip, django_capture_on_commit_callbacks, body="First held")
    hold(tip, django_capture_on_commit_callbacks, body="Second held")
    digests = [r for r in default_task_backend.results if r.task.name == "email_held_digest"]
    assert len(digests) == 1
    hour = moderation_mail.digest_hour(first.created)
    assert digests[0].task.run_after == hour + timezone.timedelta(hours=1)
    assert DigestHour.objects.get().hour == hour
    assert moderation_mail.send_digest(hour) == 1
    assert moderation_mail.send_digest(hour) == 0
    message = mail.outbox[-1]
    assert message.to == [hourly.email]
    assert "2 comments held" in message.body
    assert message.body.index("First held") < message.body.index("Second held")
    assert len(links(message)) == 3


def test_a_comment_sent_back_by_an_edit_is_in_the_digest_of_the_hour_it_was_edited(tip):
    hourly = ModeratorFactory()
    ModeratorSettings.objects.create(user=hourly, held_emails=HeldEmails.HOURLY)
    now = timezone.now()
    hour = moderation_mail.digest_hour(now)
    CommentFactory(
        tip=tip,
        status=Status.PENDING,
        body="Edited to add links",
        created=now - timezone.timedelta(hours=3),
        edited=now,
    )
    DigestHour.objects.create(hour=hour)
    assert moderation_mail.send_digest(hour) == 1
    assert "1 comment held" in mail.outbox[-1].body
    assert "Edited to add links" in mail.outbox[-1].body


def test_an_approve_link_shows_a_confirmation_and_changes_nothing_on_get(
    tip, moderator, django_capture_on_commit_callbacks
):
    comment = hold(tip, django_capture_on_commit_callbacks, body="Held for the link")
    approve = links(mail.outbox[0])["Approve"]
    browser = Client()
    browser.force_login(moderator)
    page = browser.get(approve)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Held for the link" in html
    assert 'method="post"' in html
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    response = browser.post(approve)
    assert response["Location"] == reverse("admin:legs_comment_change", args=[comment.pk])
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    entry = LogEntry.objects.get(object_id=str(comment.pk))
    assert entry.get_change_message() == "Approved (was pending) from an email link."


def test_a_used_link_is_refused_and_a_double_click_acts_once(
    tip, moderator, django_capture_on_commit_callbacks
):
    hold(tip, django_capture_on_commit_callbacks)
    spam = links(mail.outbox[0])["Mark as spam"]
    browser = Client()
    browser.force_login(moderator)
    browser.post(spam)
    again = browser.post(spam)
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    assert browser.get(spam).status_code == 410
    assert LogEntry.objects.count() == 1


def test_expired_and_tampered_links_are_refused(
    tip, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    comment = hold(tip, django_capture_on_commit_callbacks)
    approve = links(mail.outbox[0])["Approve"]
    browser = Client()
    browser.force_login(moderator)
    tampered = approve[:-6] + ("A" if approve[-6] != "A" else "B") + approve[-5:]
    response = browser.post(tampered)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    monkeypatch.setattr(moderation_mail, "EMAIL_LINK_DAYS", 0)
    response = browser.post(approve)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_link_needs_its_own_moderator_logged_in_and_comes_back_after_log_in(
    tip, moderator, member, django_capture_on_commit_callbacks
):
    comment = hold(tip, django_capture_on_commit_callbacks)
    approve = links(mail.outbox[0])["Approve"]
    visitor = Client()
    response = visitor.get(approve)
    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == reverse("admin:login")
    assert parse_qs(login.query)["next"] == [approve]
    logged_in = visitor.post(
        response["Location"],
        {"username": moderator.username, "password": PASSWORD, "next": approve},
    )
    assert logged_in["Location"] == approve
    as_member = Client()
    as_member.force_login(member)
    assert as_member.post(approve).status_code == 302
    other = Client()
    other.force_login(ModeratorFactory())
    assert other.post(approve).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_the_open_link_goes_to_the_comments_page(
    tip, moderator, django_capture_on_commit_callbacks
):
    comment = hold(tip, django_capture_on_commit_callbacks)
    browser = Client()
    browser.force_login(moderator)
    response = browser.get(links(mail.outbox[0])["Open in the admin"])
    assert response["Location"] == reverse("admin:legs_comment_change", args=[comment.pk])


def test_moderators_choose_their_emails_in_the_admin(moderator_client, moderator, member):
    url = reverse("admin:legs_comment_email_settings")
    html = moderator_client.get(url).content.decode()
    assert "One email an hour" in html
    response = moderator_client.post(url, {"held_emails": "hourly"}, follow=True)
    assert "Saved: one email an hour" in response.content.decode()
    assert ModeratorSettings.objects.get(user=moderator).held_emails == HeldEmails.HOURLY
    assert 'href="/admin/legs/comment/emails/"' in moderator_client.get("/admin/").content.decode()
    member_browser = Client()
    member_browser.force_login(member)
    assert member_browser.get(url).status_code == 302
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    assert staff.get(url).status_code == 403


def test_the_commenter_who_asked_is_told_once_when_their_held_comment_is_published(
    tip, moderator_client, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        tip=tip, status=Status.PENDING, notify_on_reply=True, email="asker@example.com"
    )
    url = reverse("admin:legs_comment_moderate", args=[comment.pk, "approve"])
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(url)
        moderator_client.post(
            reverse("admin:legs_comment_moderate", args=[comment.pk, "unapprove"])
        )
        moderator_client.post(url)
    assert [m.to for m in mail.outbox] == [["asker@example.com"]]
    message = mail.outbox[0]
    assert "is published" in message.subject
    assert f"{SITE}/comments/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_commenter_who_did_not_ask_is_not_told(
    tip, moderator_client, django_capture_on_commit_callbacks
):
    comment = CommentFactory(tip=tip, status=Status.PENDING, notify_on_reply=False)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(reverse("admin:legs_comment_moderate", args=[comment.pk, "approve"]))
    assert mail.outbox == []


@pytest.mark.parametrize("others", [0, 40])
def test_the_link_and_settings_pages_make_the_same_few_queries_however_many_comments(
    tip, moderator, django_capture_on_commit_callbacks, django_assert_max_num_queries, others
):
    CommentFactory.create_batch(others, tip=tip)
    hold(tip, django_capture_on_commit_callbacks, body="Held for the link")
    browser = Client()
    browser.force_login(moderator)
    with django_assert_max_num_queries(10):
        assert browser.get(links(mail.outbox[0])["Approve"]).status_code == 200
    with django_assert_max_num_queries(8):
        url = reverse("admin:legs_comment_email_settings")
        assert browser.get(url).status_code == 200
