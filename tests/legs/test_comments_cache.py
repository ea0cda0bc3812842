"""The public thread drawn once and cached for everyone: every write shows at once, nothing of
one reader's ever reaches another, and everything reader-typed stays escaped."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from legs import comment_cache, services
from legs.models import Comment, Status, Tip
from legs.models.comments import THREADS_PER_PAGE
from tests.factories import CommentFactory, ReplyFactory, UserFactory
from tests.support import HTMX, SCRIPT, tip_page

from .comments_support import post_comment

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def old(**fields) -> Comment:
    """A public comment past its edit window: on the thread everyone sees."""
    fields.setdefault("created", timezone.now() - datetime.timedelta(days=2))
    return CommentFactory(**fields)


def cached_page(tip: Tip, *, number: int = 1, oldest_first: bool = False):
    """The segments of that page of the public thread in the cache, or None."""
    tip.refresh_from_db()
    return comment_cache.get_page(
        comment_cache.page_key(tip, number=number, oldest_first=oldest_first)
    )


def member_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- writes show at once


def test_a_new_approved_comment_shows_at_once_to_members_and_visitors(tip, member):
    old(tip=tip, body="First words")
    reader = member_client(member)
    assert "First words" in tip_page(reader, tip)
    assert cached_page(tip)  # the public page is cached now
    CommentFactory(tip=tip, body="Second words", created=timezone.now() - datetime.timedelta(1))
    assert "Second words" in tip_page(reader, tip)
    caches["pages"].clear()
    assert "Second words" in tip_page(Client(), tip)


def test_an_approval_and_an_unapproval_show_at_once(tip, member, moderator):
    waiting = old(tip=tip, body="Waiting words", status=Status.PENDING)
    reader = member_client(member)
    assert "Waiting words" not in tip_page(reader, tip)
    services.comment_moderate(comments=[waiting], status=Status.APPROVED, moderator=moderator)
    assert "Waiting words" in tip_page(reader, tip)
    services.comment_moderate(comments=[waiting], status=Status.SPAM, moderator=moderator)
    assert "Waiting words" not in tip_page(reader, tip)


def test_an_edit_shows_at_once_to_other_readers(tip, member):
    comment = old(tip=tip, body="Before the edit")
    reader = member_client(member)
    assert "Before the edit" in tip_page(reader, tip)
    services.comment_edit(comment=comment, body="After the edit")
    html = tip_page(reader, tip)
    assert "After the edit" in html
    assert "(edited)" in html


def test_a_reply_and_a_delete_show_at_once(tip, member):
    parent = old(tip=tip, body="The question")
    reader = member_client(member)
    tip_page(reader, tip)
    reply = ReplyFactory(parent=parent, body="An answer under it")
    assert "An answer under it" in tip_page(reader, tip)
    reply.delete()
    assert "An answer under it" not in tip_page(reader, tip)


def test_reports_that_hide_a_comment_hide_it_at_once(tip, member, settings):
    settings.COMMENT_REPORTS_TO_HIDE = 1
    comment = old(tip=tip, body="Rude words")
    reader = member_client(member)
    assert "Rude words" in tip_page(reader, tip)
    # A queryset UPDATE: no post_save is sent.
    services.comment_report(comment=comment, ip_hash="h1")
    assert "Rude words" not in tip_page(reader, tip)


def test_bulk_writes_show_at_once(tip, member):
    old(tip=tip, body="Kept words")
    reader = member_client(member)
    tip_page(reader, tip)
    created = timezone.now() - datetime.timedelta(days=1)
    Comment.objects.bulk_create(
        [Comment(tip=tip, name="Bulk", body="Bulk words", created=created, status=Status.APPROVED)]
    )
    assert "Bulk words" in tip_page(reader, tip)
    Comment.objects.filter(tip=tip, name="Bulk").update(name="Renamed reader")
    assert "Renamed reader" in tip_page(reader, tip)


def test_an_account_deleted_shows_its_comments_as_former_member_at_once(tip, member):
    author = UserFactory()
    old(tip=tip, user=author, name="Leaving reader", body="Still useful")
    reader = member_client(member)
    assert "Leaving reader" in tip_page(reader, tip)
    services.comment_anonymise_author(user=author)
    html = tip_page(reader, tip)
    assert "Leaving reader" not in html
    assert "Former member" in html


def test_every_comment_write_changes_its_tips_stamp_and_no_other(tip):
    other = Tip.objects.get(pk=CommentFactory().tip_id)
    before, other_before = tip.comment_stamp, other.comment_stamp
    comment = CommentFactory(tip=tip)
    assert comment.tip.comment_stamp != before  # the writer's own tip object too
    tip.refresh_from_db()
    other.refresh_from_db()
    assert tip.comment_stamp == comment.tip.comment_stamp
    assert other.comment_stamp == other_before


def test_a_tip_saved_from_an_old_instance_keeps_the_new_stamp(tip):
    stale = Tip.objects.get(pk=tip.pk)
    CommentFactory(tip=tip)
    stale.title = "Warm up for fifteen minutes"
    stale.save()
    fresh = Tip.objects.get(pk=tip.pk)
    assert fresh.title == "Warm up for fifteen minutes"
    assert fresh.comment_stamp != stale.comment_stamp


# --- one reader's parts stay theirs


def test_a_members_pending_comment_shows_only_to_them(tip, member, other_member):
    old(tip=tip, body="Public words")
    author, reader = member_client(member), member_client(other_member)
    tip_page(reader, tip)  # the public page cached first
    CommentFactory(tip=tip, user=member, body="My waiting words", status=Status.PENDING)
    mine = tip_page(author, tip)
    assert "My waiting words" in mine
    assert "Awaiting moderation" in mine
    for html in (tip_page(reader, tip), tip_page(Client(), tip)):
        assert "My waiting words" not in html
        assert "Awaiting moderation" not in html
        assert "Public words" in html


def test_two_members_never_swap_their_parts(tip):
    anna, ben = UserFactory(display_name="Anna Fast"), UserFactory(display_name="Ben Slow")
    old(tip=tip, body="Public words")
    anna_client, ben_client = member_client(anna), member_client(ben)
    mine = CommentFactory(tip=tip, user=anna, name="Anna Fast", body="Anna has fresh words")
    for _ in range(2):  # drawn, then from the cache
        for client, own, other in ((anna_client, anna, ben), (ben_client, ben, anna)):
            html = tip_page(client, tip)
            assert f"You are commenting as <strong>{own.public_name}</strong>" in html
            assert other.public_name not in html.split('id="comment-thread"')[1].split("</form>")[0]
            assert "Anna has fresh words" in html
            has_edit = f"/comments/{mine.pk}/edit/" in html
            assert has_edit == (own == anna)


def test_a_visitors_page_never_holds_a_members_parts(tip, member):
    old(tip=tip, body="Public words")
    CommentFactory(tip=tip, user=member, name=member.public_name, body="Fresh member words")
    CommentFactory(tip=tip, user=member, body="Waiting member words", status=Status.PENDING)
    tip_page(member_client(member), tip)
    visitor = Client()
    for _ in range(2):  # drawn, then from the public page cache
        html = tip_page(visitor, tip)
        assert "You are commenting as" not in html
        assert "Waiting member words" not in html
        assert "/edit/" not in html
        assert "Fresh member words" in html


def test_each_reader_gets_their_own_csrf_token_in_every_report_form(tip):
    for _ in range(3):
        old(tip=tip)
    anna, ben = member_client(UserFactory()), member_client(UserFactory())
    tip_page(anna, tip)
    assert "csrfmiddlewaretoken" not in "".join(cached_page(tip))
    for client in (anna, ben, anna):
        html = tip_page(client, tip)
        reports = html.count('class="comment-report"')
        assert reports == 3
        secret = client.cookies[settings.CSRF_COOKIE_NAME].value
        thread = html.split('class="comment-list')[1].split("</section>")[0]
        assert len(TOKEN.findall(thread)) == reports
        assert all(unmask(token) == secret for token in TOKEN.findall(html))


def unmask(token: str) -> str:
    from django.middleware.csrf import _unmask_cipher_token

    return _unmask_cipher_token(token)


# --- pages and orders


def test_the_cached_pages_differ_by_page_and_order(tip, member):
    start = timezone.now() - datetime.timedelta(days=30)
    for n in range(THREADS_PER_PAGE + 5):
        CommentFactory(tip=tip, body=f"Number q{n}.", created=start + datetime.timedelta(hours=n))
    reader = member_client(member)
    url = tip.get_absolute_url()

    def first(query: str) -> str:
        html = reader.get(url + query).content.decode()
        return re.findall(r"Number (q\d+)\.", html)[0]

    for _ in range(2):
        assert first("") == f"q{THREADS_PER_PAGE + 4}"
        assert first("?page=2") == "q4"
        assert first("?order=oldest") == "q0"
        assert first("?order=oldest&page=2") == f"q{THREADS_PER_PAGE}"
        assert first("?page=99") == "q4"  # the nearest page, cached once as page 2
    assert cached_page(tip, number=2, oldest_first=True)
    assert cached_page(tip, number=99) is None


def test_the_htmx_order_switch_gets_the_thread_alone_from_the_same_cache(tip, member):
    old(tip=tip, body="Public words")
    reader = member_client(member)
    tip_page(reader, tip)
    response = reader.get(tip.get_absolute_url() + "?order=oldest", headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "Public words" in html
    assert "HX-Request" in response["Vary"]


# --- escaping


def test_reader_text_drawn_in_python_is_escaped(client, tip):
    parent = old(tip=tip, name=SCRIPT, body=f"Body {SCRIPT}\nline two")
    ReplyFactory(parent=parent, name=SCRIPT, body=SCRIPT, created=parent.created)
    for _ in range(2):
        html = tip_page(client, tip)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
        assert "Body &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>line two" in html
        assert 'Report<span class="visually-hidden"> this comment by &lt;script&gt;' in html
    reply_page = client.get(f"{tip.get_absolute_url()}comments/{parent.pk}/reply/")
    assert "<script>alert" not in reply_page.content.decode()


def test_only_a_coachs_links_are_links(client, tip, moderator):
    parent = old(tip=tip, body="See https://example.com/a please")
    ReplyFactory(parent=parent, by_coach=True, user=moderator, body="Read https://example.com/b")
    html = tip_page(client, tip)
    assert '<a href="https://example.com/b" rel="nofollow">https://example.com/b</a>' in html
    assert '<a href="https://example.com/a"' not in html


def test_a_visitors_own_waiting_comment_is_drawn_for_them_only(tip):
    old(tip=tip, body="Public words")
    visitor = Client()
    post_comment(visitor, tip, body="My words wait for a moderator")
    assert "My words wait for a moderator" in tip_page(visitor, tip)
    assert "My words wait for a moderator" not in tip_page(Client(), tip)


def test_each_comments_addresses_are_its_own_whatever_the_slug_holds(client):
    from django.urls import reverse

    from tests.factories import TipFactory

    tip = TipFactory(slug="run-987654321-times")
    comment = old(tip=tip)
    html = tip_page(client, tip)
    for name in ("comment_reply", "comment_report"):
        assert f'"{reverse(name, args=[tip.slug, comment.pk])}"' in html


def test_a_visitors_oldest_first_page_is_served_from_the_public_page_cache(client, tip):
    start = timezone.now() - datetime.timedelta(days=3)
    old(tip=tip, body="Older words", created=start)
    old(tip=tip, body="Newer words", created=start + datetime.timedelta(hours=1))
    url = tip.get_absolute_url() + "?order=oldest"
    first = client.get(url)
    assert "ETag" in first  # stored
    html = client.get(url).content.decode()
    assert html.index("Older words") < html.index("Newer words")
