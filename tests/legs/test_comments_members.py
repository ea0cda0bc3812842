"""What the accounts side will call: a member's comments in "My data", and account deletion."""

import pytest
from django.test import Client

from legs import services
from legs.models import Comment, Status
from tests.factories import CommentFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymising_an_author_keeps_published_comments_as_former_member(member):
    kept = CommentFactory(
        user=member, name=member.public_name, email=member.email, notify_on_reply=True
    )
    ReplyFactory(parent=kept, body="Someone else's reply")
    CommentFactory(user=member, status=Status.PENDING, body="Never published")
    CommentFactory(user=member, status=Status.SPAM, body="Spam")
    other = CommentFactory(user=UserFactory(), body="Another member's")

    assert services.comment_anonymise_author(user=member) == 1

    kept.refresh_from_db()
    assert (kept.user, kept.name, kept.email, kept.notify_on_reply) == (
        None,
        "Former member",
        "",
        False,
    )
    assert not Comment.objects.filter(body__in=["Never published", "Spam"]).exists()
    assert Comment.objects.filter(body="Someone else's reply").exists()
    assert Comment.objects.get(pk=other.pk).user is not None
    html = Client().get(kept.tip.get_absolute_url()).content.decode()
    assert "Former member" in html
    assert member.public_name not in html


def test_deleting_a_user_leaves_their_comments_in_place(member):
    comment = CommentFactory(user=member)
    member.delete()
    comment.refresh_from_db()
    assert comment.user is None


def test_a_members_comments_export_as_plain_data(member):
    question = CommentFactory(user=member, body="Mine", notify_on_reply=True)
    CommentFactory(body="Not mine")
    rows = [c.as_export() for c in Comment.objects.for_author(member).select_related("tip")]
    assert rows == [
        {
            "tip": question.tip.slug,
            "reply_to": None,
            "id": question.pk,
            "name": question.name,
            "body": "Mine",
            "created": question.created.isoformat(),
            "status": "approved",
            "notify_on_reply": True,
        }
    ]
