"""A member's comments in "My data", and what deleting the account leaves behind."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from legs.models import Comment, Status
from tests.factories import PASSWORD, CommentFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_deleting_an_account_keeps_its_published_comments_as_former_member(member_client, member):
    kept = CommentFactory(
        user=member, name=member.public_name, email=member.email, notify_on_reply=True
    )
    ReplyFactory(parent=kept, body="Someone else's reply")
    CommentFactory(user=member, status=Status.PENDING, body="Never published")
    CommentFactory(user=member, status=Status.SPAM, body="Spam")
    other = CommentFactory(user=UserFactory(), body="Another member's")

    response = member_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302

    kept.refresh_from_db()
    assert (kept.user, kept.name, kept.email) == (None, "Former member", "")
    assert not kept.notify_on_reply
    assert not Comment.objects.filter(body__in=["Never published", "Spam"]).exists()
    assert Comment.objects.filter(body="Someone else's reply").exists()
    assert Comment.objects.get(pk=other.pk).user is not None
    html = Client().get(kept.tip.get_absolute_url()).content.decode()
    assert "Former member" in html
    assert f">{member.public_name}</strong>" not in html


def test_a_wrong_password_leaves_the_comments_alone(member_client, member):
    comment = CommentFactory(user=member, name=member.public_name)
    member_client.post(reverse("account_delete"), {"password": "not-it"})
    comment.refresh_from_db()
    assert comment.user == member


def test_my_data_export_holds_the_members_comments_and_no_one_elses(member_client, member):
    question = CommentFactory(user=member, body="Mine", notify_on_reply=True)
    reply = ReplyFactory(parent=question, user=member, body="My follow-up")
    CommentFactory(body="Not mine")
    data = json.loads(member_client.get(reverse("account_export")).content)
    assert data["comments"] == [
        {
            "tip": question.tip.slug,
            "reply_to": None,
            "id": question.pk,
            "name": question.name,
            "body": "Mine",
            "created": question.created.isoformat(),
            "status": "approved",
            "notify_on_reply": True,
        },
        {
            "tip": question.tip.slug,
            "reply_to": question.pk,
            "id": reply.pk,
            "name": reply.name,
            "body": "My follow-up",
            "created": reply.created.isoformat(),
            "status": "approved",
            "notify_on_reply": False,
        },
    ]
