"""Reports cannot be used by one person to hide a comment, least of all a coach's answer.

Issue 12, item 5: one visitor report plus two free accounts, from one address, hid a coach's
reply, and reports had no limit. An address and an account count together, reporters weigh by
trust and account age, reports are limited per address and per account, and a coach's reply is
never hidden: it waits in the moderators' queue instead.
"""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legs.models import Comment, Status
from tests.factories import CoachReplyFactory, CommentFactory, UserFactory
from tests.support import tip_page


def report(comment: Comment, *, ip: str, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    url = reverse("comment_report", args=[comment.tip.slug, comment.pk])
    return client.post(url, REMOTE_ADDR=ip)


def trusted_member():
    """A member of two months with an approved comment: the site's trusted reader."""
    member = UserFactory(date_joined=timezone.now() - timedelta(days=60))
    CommentFactory(user=member, status=Status.APPROVED)
    return member


def state(comment: Comment) -> tuple[int, bool]:
    comment.refresh_from_db()
    return comment.report_count, comment.hidden


def test_members_reporting_from_an_address_that_reported_add_nothing(world):
    comment = CommentFactory(tip=world.tip, body="Fair question")
    report(comment, ip="10.40.0.1")
    for _ in range(2):  # two free accounts, made on the spot
        report(comment, ip="10.40.0.1", user=UserFactory())
    assert state(comment) == (1, False)
    assert "Fair question" in tip_page(Client(), world.tip)


def test_one_account_from_several_addresses_counts_once(world):
    comment = CommentFactory(tip=world.tip)
    member = UserFactory()
    for n in range(3):
        report(comment, ip=f"10.41.0.{n}", user=member)
    assert state(comment) == (1, False)


def test_trusted_members_weigh_more_and_new_accounts_do_not(world):
    by_new = CommentFactory(tip=world.tip)
    for n in range(2):
        # An approved comment, but an account a day old: not trusted yet.
        newcomer = UserFactory(date_joined=timezone.now() - timedelta(days=1))
        CommentFactory(user=newcomer, status=Status.APPROVED)
        report(by_new, ip=f"10.42.0.{n}", user=newcomer)
    assert state(by_new) == (2, False)

    by_trusted = CommentFactory(tip=world.tip, body="Spam that regulars spotted")
    for n in range(2):
        report(by_trusted, ip=f"10.42.1.{n}", user=trusted_member())
    assert state(by_trusted) == (2, True)
    assert "Spam that regulars spotted" not in tip_page(Client(), world.tip)


def test_reports_are_limited_per_address(world, settings):
    settings.COMMENT_REPORT_LIMIT = 3
    comments = [CommentFactory(tip=world.tip) for _ in range(4)]
    for comment in comments[:3]:
        assert report(comment, ip="10.43.0.1").status_code == 302
    refused = report(comments[3], ip="10.43.0.1")
    assert refused.status_code == 429
    assert "many reports" in refused.content.decode()
    assert state(comments[3]) == (0, False)
    assert report(comments[3], ip="10.43.0.2").status_code == 302


def test_reports_are_limited_per_account_from_any_address(world, settings):
    settings.COMMENT_REPORT_LIMIT = 3
    member = UserFactory()
    comments = [CommentFactory(tip=world.tip) for _ in range(4)]
    for n, comment in enumerate(comments[:3]):
        assert report(comment, ip=f"10.44.0.{n}", user=member).status_code == 302
    assert report(comments[3], ip="10.44.1.1", user=member).status_code == 429
    assert state(comments[3]) == (0, False)


def test_a_coach_reply_is_never_hidden_by_reports_but_queued_for_a_moderator(world):
    answer = CoachReplyFactory(parent__tip=world.tip, body="See a physiotherapist first.")
    # The attack as it was: one visitor report and two free accounts, from one address...
    report(answer, ip="10.45.0.1")
    for _ in range(2):
        report(answer, ip="10.45.0.1", user=UserFactory())
    # ...and, beyond it, trusted members from addresses of their own.
    for n in range(3):
        report(answer, ip=f"10.45.1.{n}", user=trusted_member())
    count, hidden = state(answer)
    assert (count, hidden) == (4, False)
    assert "See a physiotherapist first." in tip_page(Client(), world.tip)
    moderator = Client()
    moderator.force_login(world.moderator)
    queue = moderator.get(reverse("admin:legs_comment_changelist") + "?reported=yes")
    assert "See a physiotherapist first." in queue.content.decode()
