"""Who wrote it and why it waits: held reasons, one commenter's comments by email or address,
blocks with an expiry, and readers' report reasons shown to moderators."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legs.models import Block, BlockKind, Comment, CommentReport, DisallowedWord, Status
from legs.models.comments import email_hash
from tests.factories import CommentFactory, UserFactory
from tests.legs.comments_support import post_comment

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/legs/comment/"


def change_url(comment) -> str:
    return reverse("admin:legs_comment_change", args=[comment.pk])


def block_url(comment) -> str:
    return reverse("admin:legs_comment_block", args=[comment.pk])


def posted(client, tip, **fields) -> Comment:
    post_comment(client, tip, **fields)
    return Comment.objects.latest("pk")


# --- why it is held


def test_a_first_comment_is_held_as_the_first_from_this_person(client, tip):
    comment = posted(client, tip)
    assert comment.status == Status.PENDING
    assert comment.held_reasons == ["first comment from this person"]
    assert comment.email_hash == email_hash("sam@example.com")
    assert len(comment.ip_hash) == 32


def test_a_known_visitor_still_waits_but_not_as_a_first_comment(client, tip):
    CommentFactory(email="SAM@example.com", email_hash=email_hash("sam@example.com"))
    comment = posted(client, tip)
    assert comment.status == Status.PENDING
    assert comment.held_reasons == []


def test_links_and_disallowed_words_are_named_as_the_reason(client, tip):
    links = posted(client, tip, body="See http://a.example http://b.example http://c.example")
    assert "more than two links" in links.held_reasons
    DisallowedWord.objects.create(word="casino")
    spam = posted(Client(), tip, body="Best casino in town", ip="10.0.0.2")
    assert spam.status == Status.SPAM
    assert spam.held_reasons == ["a disallowed word"]


def test_why_it_is_held_shows_in_the_list_and_on_the_comment_page(moderator_client, tip):
    comment = posted(Client(), tip, body="Links http://a.example http://b.example http://c.example")
    hidden = CommentFactory(hidden=True, report_count=3)
    listed = moderator_client.get(CHANGELIST).content.decode()
    print(listed[listed.find("result_list") :][:6000])
    assert "Held: first comment from this person, more than two links" in listed
    assert "Held: three reports" in listed
    page = moderator_client.get(change_url(comment)).content.decode()
    assert "Why it is held: first comment from this person, more than two links." in page
    assert (
        "Why it is held: three reports."
        in moderator_client.get(change_url(hidden)).content.decode()
    )


# --- one commenter's comments


def test_all_comments_by_one_email_or_one_address(moderator_client, tip):
    first = posted(Client(), tip, email="kim@example.com", body="First from Kim", ip="10.9.0.1")
    posted(Client(), tip, email="KIM@example.com", body="Second from Kim", ip="10.9.0.2")
    posted(Client(), tip, email="lee@example.com", body="From Lee", ip="10.9.0.1")
    by_email = moderator_client.get(CHANGELIST, {"email_hash": first.email_hash}).content.decode()
    assert "First from Kim" in by_email
    assert "Second from Kim" in by_email
    assert "From Lee" not in by_email
    by_address = moderator_client.get(CHANGELIST, {"ip_hash": first.ip_hash}).content.decode()
    assert "First from Kim" in by_address
    assert "From Lee" in by_address
    assert "Second from Kim" not in by_address
    page = moderator_client.get(change_url(first)).content.decode()
    assert "All comments by this email</a> (2)" in page
    assert "All comments from this address</a> (2)" in page


def test_the_list_refuses_filters_on_other_hidden_fields(moderator_client):
    response = moderator_client.get(CHANGELIST, {"user__password__startswith": "p"})
    assert response.status_code in (302, 400)


# --- blocks


def test_blocking_an_email_sends_its_new_comments_to_spam_and_is_in_the_history(
    moderator_client, tip
):
    comment = posted(Client(), tip, email="troll@example.com", ip="10.8.0.1")
    response = moderator_client.post(block_url(comment), {"kind": "email", "days": "7"})
    assert response.status_code == 302
    block = Block.objects.get()
    assert (block.kind, block.value_hash) == (BlockKind.EMAIL, comment.email_hash)
    assert block.expires > timezone.now() + datetime.timedelta(days=6)
    assert "troll@example.com" not in str(block.__dict__)
    later = posted(Client(), tip, email="Troll@example.com", ip="10.8.0.9")
    assert later.status == Status.SPAM
    assert later.held_reasons == ["the commenter is blocked"]
    messages = LogEntry.objects.filter(object_id=str(comment.pk), content_type__model="comment")
    assert [m.get_change_message() for m in messages] == ["Blocked its email address for a week."]
    page = moderator_client.get(change_url(comment)).content.decode()
    assert "Blocked: email address until" in page


def test_blocking_an_address_and_its_expiry(moderator_client, tip):
    comment = posted(Client(), tip, email="one@example.com", ip="10.7.0.1")
    moderator_client.post(block_url(comment), {"kind": "address", "days": "0"})
    assert Block.objects.get().expires is None
    assert posted(Client(), tip, email="two@example.com", ip="10.7.0.1").status == Status.SPAM
    Block.objects.update(expires=timezone.now() - datetime.timedelta(minutes=1))
    assert posted(Client(), tip, email="three@example.com", ip="10.7.0.1").status == Status.PENDING


def test_blocks_are_listed_and_their_expiry_changed_in_the_admin(moderator_client, tip):
    comment = posted(Client(), tip, name="Troll", ip="10.6.0.1")
    moderator_client.post(block_url(comment), {"kind": "email", "days": "1"})
    block = Block.objects.get()
    listed = moderator_client.get("/admin/legs/block/").content.decode()
    assert f"Troll (comment {comment.pk})" in listed
    change = reverse("admin:legs_block_change", args=[block.pk])
    response = moderator_client.post(change, {"expires_0": "", "expires_1": "", "note": "Spammer"})
    assert response.status_code == 302
    block.refresh_from_db()
    assert (block.expires, block.note) == (None, "Spammer")
    assert moderator_client.get("/admin/legs/block/add/").status_code == 403


def test_block_is_post_only_and_for_moderators_only(client, member, tip):
    comment = posted(Client(), tip, ip="10.5.0.1")
    url = block_url(comment)
    assert client.post(url, {"kind": "email", "days": "1"}).status_code == 302
    client.force_login(member)
    assert client.post(url, {"kind": "email", "days": "1"}).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.post(url, {"kind": "email", "days": "1"}).status_code == 403
    assert not Block.objects.exists()


def test_a_bad_block_form_changes_nothing_and_says_why(moderator_client, tip):
    comment = posted(Client(), tip, ip="10.4.0.1")
    response = moderator_client.post(block_url(comment), {"kind": "ship", "days": "x"}, follow=True)
    assert "Choose what to block" in response.content.decode()
    assert not Block.objects.exists()
    assert moderator_client.get(block_url(comment)).status_code == 405


# --- report reasons


def report(client, comment, **data):
    url = reverse("comment_report", args=[comment.tip.slug, comment.pk])
    return client.post(url, data, REMOTE_ADDR=data.pop("ip", "10.1.0.1"))


def test_readers_give_a_reason_and_moderators_see_the_reasons_with_counts(moderator_client):
    comment = CommentFactory()
    report(Client(), comment, reason="rude", ip="10.1.0.1")
    report(Client(), comment, reason="other", note="Sells  shoes\nin every thread", ip="10.1.0.3")
    report(Client(), comment, reason="nonsense", ip="10.1.0.4")
    reasons = sorted(CommentReport.objects.values_list("reason", flat=True))
    assert reasons == ["other", "other", "rude"]
    assert CommentReport.objects.get(note__startswith="Sells").note == "Sells shoes in every thread"
    page = moderator_client.get(change_url(comment)).content.decode()
    assert "Reports: Something else (2), Rude (1)" in page
    assert "Something else: Sells shoes in every thread" in page


def test_the_tip_page_offers_the_report_reasons(client):
    comment = CommentFactory()
    html = client.get(comment.tip.get_absolute_url()).content.decode()
    for label in ("Spam", "Rude", "Wrong or unsafe advice", "Something else"):
        assert label in html
    assert 'name="note"' in html
