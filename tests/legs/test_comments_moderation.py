"""Moderation at list speed: row actions in place with undo, history, the next question after a
reply, bulk spam that spares coach replies, and promoted answers taken down with their thread."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.templatetags.admin_list import results
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from legs import services
from legs.models import Comment, ModerationAction, Question, Status
from tests.factories import (
    CoachReplyFactory,
    CommentFactory,
    ModeratorFactory,
    ReplyFactory,
    UserFactory,
)
from tests.support import HTMX, SCRIPT

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/legs/comment/"


def moderate_url(comment, verb: str) -> str:
    return reverse("admin:legs_comment_moderate", args=[comment.pk, verb])


def undo_url(action) -> str:
    return reverse("admin:legs_comment_undo", args=[action.pk])


def history(comment) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(comment.pk)).order_by("action_time", "pk")
    return [entry.get_change_message() for entry in entries]


@pytest.mark.parametrize(
    ("verb", "start", "end"),
    [
        ("approve", Status.PENDING, Status.APPROVED),
        ("unapprove", Status.APPROVED, Status.PENDING),
        ("spam", Status.PENDING, Status.SPAM),
        ("reject", Status.APPROVED, Status.REJECTED),
    ],
)
def test_each_row_action_sets_the_status_in_place_and_offers_undo(
    moderator_client, verb, start, end
):
    comment = CommentFactory(status=start, name="Priya")
    response = moderator_client.post(moderate_url(comment, verb), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'<span class="row-status status-{end}">' in html
    assert 'data-action="undo"' in html
    assert f"back to {Status(start).label.lower()}" in html
    assert 'id="moderation-said"' in html
    assert "Priya" in html
    comment.refresh_from_db()
    assert comment.status == end
    action = ModerationAction.objects.get()
    assert (action.previous_status, action.status) == (start, end)


def test_a_row_action_without_javascript_comes_back_to_the_same_filtered_list(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    filters = "status__exact=pending&q=legs"
    response = moderator_client.post(moderate_url(comment, "approve"), {"filters": filters})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?{filters}"
    page = moderator_client.get(response["Location"]).content.decode()
    assert "approved. Undo with z" in page


def test_the_list_keeps_the_undo_button_after_a_reload(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    moderator_client.post(moderate_url(comment, "spam"))
    action = ModerationAction.objects.get()
    html = moderator_client.get(CHANGELIST).content.decode()
    assert f'formaction="{undo_url(action)}"' in html
    assert "back to pending" in html


def test_undo_restores_the_previous_status_and_the_hide_by_reports(moderator_client):
    comment = CommentFactory(hidden=True, report_count=3, report_weight=3)
    moderator_client.post(moderate_url(comment, "approve"), headers=HTMX)
    comment.refresh_from_db()
    assert (comment.status, comment.hidden, comment.report_count) == (Status.APPROVED, False, 0)
    action = ModerationAction.objects.get()
    response = moderator_client.post(undo_url(action), headers=HTMX)
    assert "hidden" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.hidden, comment.report_count, comment.report_weight) == (True, 3, 3)
    action.refresh_from_db()
    assert action.undone is not None


def test_undo_works_once_and_only_for_ten_minutes(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    moderator_client.post(moderate_url(comment, "approve"))
    action = ModerationAction.objects.get()
    moderator_client.post(undo_url(action))
    response = moderator_client.post(undo_url(action), follow=True)
    assert "can no longer be undone" in response.content.decode()
    moderator_client.post(moderate_url(comment, "spam"))
    late = ModerationAction.objects.filter(undone__isnull=True).get()
    ModerationAction.objects.filter(pk=late.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=11)
    )
    moderator_client.post(undo_url(late))
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_a_moderator_cannot_undo_another_moderators_change(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    other = ModeratorFactory()
    done = services.comment_moderate(comments=[comment], status=Status.SPAM, moderator=other)
    response = moderator_client.post(undo_url(done.actions[0]), headers=HTMX)
    assert "can no longer be undone" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_undo_is_refused_once_the_comment_has_changed_since(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    moderator_client.post(moderate_url(comment, "approve"))
    first = ModerationAction.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Status.REJECTED)
    response = moderator_client.post(undo_url(first), follow=True)
    assert "changed since" in response.content.decode()


def test_a_double_click_approves_once_and_mails_once(
    moderator_client, django_capture_on_commit_callbacks
):
    question = CommentFactory(notify_on_reply=True, email="asker@example.com")
    reply = ReplyFactory(parent=question, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(moderate_url(reply, "approve"), headers=HTMX)
        second = moderator_client.post(moderate_url(reply, "approve"), headers=HTMX)
    assert "approved already" in second.content.decode()
    assert ModerationAction.objects.count() == 1
    assert len(mail.outbox) == 1
    assert history(reply) == ["Approved (was pending) from the comment list."]


def test_every_row_action_and_undo_is_in_the_comments_history_newest_first(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    moderator_client.post(moderate_url(comment, "approve"))
    moderator_client.post(moderate_url(comment, "spam"))
    moderator_client.post(undo_url(ModerationAction.objects.filter(status=Status.SPAM).get()))
    assert history(comment) == [
        "Approved (was pending) from the comment list.",
        "Marked as spam (was approved) from the comment list.",
        "Undid “marked as spam”: back to approved.",
    ]
    html = moderator_client.get(
        reverse("admin:legs_comment_change", args=[comment.pk])
    ).content.decode()
    assert "History, newest first" in html
    assert html.index("Undid") < html.index("Marked as spam (was") < html.index("Approved (was")


@pytest.mark.parametrize("verb", ["approve", "unapprove", "spam", "reject"])
def test_row_actions_refuse_get_and_anyone_but_moderators(client, member, verb):
    comment = CommentFactory(status=Status.PENDING)
    url = moderate_url(comment, verb)
    assert client.post(url).status_code == 302  # a visitor: to the admin's log-in
    client.force_login(member)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    staff_without_rights = UserFactory(is_staff=True)
    client.force_login(staff_without_rights)
    assert client.post(url).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert not ModerationAction.objects.exists()


def test_undo_refuses_anyone_but_moderators(client, member, moderator):
    comment = CommentFactory(status=Status.PENDING)
    action = services.comment_moderate(
        comments=[comment], status=Status.APPROVED, moderator=moderator
    ).actions[0]
    assert client.post(undo_url(action)).status_code == 302
    client.force_login(member)
    assert client.post(undo_url(action)).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.post(undo_url(action)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_row_actions_are_post_only_and_unknown_verbs_are_404(moderator_client):
    comment = CommentFactory(status=Status.PENDING)
    assert moderator_client.get(moderate_url(comment, "approve")).status_code == 405
    assert moderator_client.post(moderate_url(comment, "delete")).status_code == 404
    missing = reverse("admin:legs_comment_moderate", args=[999999, "approve"])
    assert moderator_client.post(missing).status_code == 404
    assert (
        moderator_client.post(reverse("admin:legs_comment_undo", args=[999999])).status_code == 404
    )


def test_the_list_shows_only_the_actions_that_change_something(moderator_client):
    CommentFactory(status=Status.SPAM, name="Spammer")
    html = moderator_client.get(CHANGELIST).content.decode()
    assert 'data-action="approve"' in html
    assert 'data-action="reject"' in html
    assert 'data-action="spam"' not in html
    assert 'data-action="unapprove"' not in html


def test_the_list_costs_the_same_queries_at_two_sizes(
    moderator_client, moderator, django_assert_max_num_queries
):
    """The undo buttons are a subquery of the page's one query, not one query a row."""
    for size in (3, 30):
        comments = CommentFactory.create_batch(size, status=Status.PENDING)
        services.comment_moderate(comments=comments, status=Status.SPAM, moderator=moderator)
        with django_assert_max_num_queries(14):
            assert moderator_client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize(
    "query", ["", "?status__exact=pending", "?o=2.-7&reported=yes", "?answered=yes&q=%3Cscript"]
)
def test_the_list_draws_the_same_rows_as_djangos_own_changelist(moderator_client, moderator, query):
    """The table drawn in one pass (CommentChangeList) is cell for cell what Django's
    items_for_result makes of list_display, escaping included (and braces in a name stay
    text, not template fields)."""
    question = CommentFactory(name=SCRIPT, body=f"{SCRIPT} " * 20, report_count=2)
    CoachReplyFactory(parent=question)
    ReplyFactory(parent=question, name=f'"{SCRIPT}', status=Status.PENDING, held_because="first")
    CommentFactory(body=SCRIPT, hidden=True, report_count=3, email="", ip_hash="")
    moved = CommentFactory(name="{name} {0}", status=Status.PENDING, held_because="links word")
    moderator_client.post(moderate_url(moved, "spam"), headers=HTMX)
    response = moderator_client.get(CHANGELIST + query)
    changelist = response.context_data["cl"]
    assert changelist.result_list
    assert changelist.table_rows == "\n".join(
        f"<tr>{''.join(cells)}</tr>" for cells in results(changelist)
    )
    html = response.content.decode()
    assert SCRIPT not in html
    assert ("{name} {0}’s comment" in html) == (moved in changelist.result_list)


def test_the_admin_is_branded_as_the_moderation_desk(moderator_client):
    html = moderator_client.get(CHANGELIST).content.decode()
    assert "Lighter Legs moderation desk" in html
    assert "Django administration" not in html


# --- answering: on to the next question


def test_publish_reply_goes_to_the_oldest_unanswered_question_saying_how_many_are_left(
    moderator_client,
):
    now = timezone.now()
    answering = CommentFactory(created=now - datetime.timedelta(days=9))
    oldest = CommentFactory(body="Oldest waiting", created=now - datetime.timedelta(days=5))
    CommentFactory(body="Newer waiting", created=now - datetime.timedelta(days=1))
    response = moderator_client.post(
        reverse("admin:legs_comment_reply", args=[answering.pk]), {"body": "Rest."}
    )
    assert response["Location"] == reverse("admin:legs_comment_reply", args=[oldest.pk])
    page = moderator_client.get(response["Location"]).content.decode()
    assert "Next unanswered question: 2 questions left." in page
    assert "Oldest waiting" in page
    assert history(answering) == ["Answered as coach by " + answering.replies.get().name + "."]


def test_publish_reply_on_the_last_question_goes_back_to_the_list_saying_so(moderator_client):
    question = CommentFactory()
    response = moderator_client.post(
        reverse("admin:legs_comment_reply", args=[question.pk]), {"body": "Rest."}, follow=True
    )
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "No unanswered questions are left." in response.content.decode()


# --- bulk spam and coach replies


def test_bulk_spam_skips_coach_replies_unless_asked_and_says_how_many(moderator_client):
    question = CommentFactory(status=Status.PENDING)
    coach = CoachReplyFactory(parent=question)
    readers = CommentFactory.create_batch(2, status=Status.PENDING)
    selected = [question.pk, coach.pk, *(c.pk for c in readers)]
    response = moderator_client.post(
        CHANGELIST, {"action": "mark_spam", "_selected_action": selected}, follow=True
    )
    html = response.content.decode()
    assert "3 comments marked as spam." in html
    assert "1 coach reply left as they were" in html
    coach.refresh_from_db()
    assert coach.status == Status.APPROVED
    moderator_client.post(
        CHANGELIST,
        {"action": "reject", "_selected_action": [coach.pk], "include_coach": "on"},
    )
    coach.refresh_from_db()
    assert coach.status == Status.REJECTED
    assert history(coach) == ["Rejected (was approved) by a bulk action."]


def test_the_bulk_bar_offers_include_coach_replies(moderator_client):
    CommentFactory()
    html = moderator_client.get(CHANGELIST).content.decode()
    assert 'name="include_coach"' in html
    assert "include coach replies" in html


def test_spamming_a_promoted_answer_takes_the_whats_being_asked_entry_down(
    moderator_client, client
):
    question = CommentFactory(body="Is cycling fine on rest days?")
    answer = CoachReplyFactory(parent=question, body="Easy spinning is fine.")
    services.comment_promote_to_question(comment=question)
    assert "Easy spinning is fine." in client.get("/asked/").content.decode()
    response = moderator_client.post(moderate_url(answer, "spam"), follow=True)
    assert "taken off" in response.content.decode()
    assert not Question.objects.get().is_published
    question.refresh_from_db()
    assert question.question is None
    assert "Easy spinning is fine." not in client.get("/asked/").content.decode()


def test_rejecting_a_readers_reply_leaves_the_promoted_entry(moderator_client):
    question = CommentFactory()
    CoachReplyFactory(parent=question)
    services.comment_promote_to_question(comment=question)
    reader_reply = ReplyFactory(parent=question)
    moderator_client.post(moderate_url(reader_reply, "reject"))
    assert Question.objects.get().is_published


def test_row_actions_and_undo_need_the_csrf_token(moderator):
    from django.test import Client

    comment = CommentFactory(status=Status.PENDING)
    action = services.comment_moderate(
        comments=[CommentFactory(status=Status.PENDING)], status=Status.SPAM, moderator=moderator
    ).actions[0]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    assert browser.post(moderate_url(comment, "approve"), headers=HTMX).status_code == 403
    assert browser.post(undo_url(action), headers=HTMX).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_row_buttons_post_to_the_moderation_and_reply_addresses(moderator_client):
    comment = CommentFactory(status=Status.PENDING, name="Priya")
    html = moderator_client.get(CHANGELIST).content.decode()
    for verb in ("approve", "spam", "reject"):
        url = moderate_url(comment, verb)
        assert f'formaction="{url}" hx-post="{url}"' in html
    assert f'href="{reverse("admin:legs_comment_reply", args=[comment.pk])}"' in html


def test_each_row_has_a_labelled_selection_checkbox_with_the_text_escaped(moderator_client):
    comment = CommentFactory(status=Status.PENDING, name="<script>x</script>")
    html = moderator_client.get(CHANGELIST).content.decode()
    assert (
        f'<input type="checkbox" name="_selected_action" value="{comment.pk}" '
        'class="action-select" aria-label="Select this object for an action - &lt;script&gt;'
    ) in html
    assert "<script>x</script>" not in html
    assert 'id="action-toggle"' in html


def test_the_list_narrows_to_recent_comments_by_date(moderator_client):
    old = CommentFactory(status=Status.PENDING, body="An old question")
    Comment.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=40))
    CommentFactory(status=Status.PENDING, body="A new question")
    html = moderator_client.get(CHANGELIST).content.decode()
    link = re.search(r'href="(\?created__gte=[^"]+)"[^>]*>Past 7 days', html).group(1)
    recent = moderator_client.get(CHANGELIST + link.replace("&amp;", "&")).content.decode()
    assert "A new question" in recent
    assert "An old question" not in recent


@pytest.mark.parametrize(
    "body",
    [
        "Short and sweet.",
        "Spaces   and\nnew lines\tfolded.",
        "x" * 80,
        "x" * 81,
        "Cafe\u0301 " * 16,  # 96 characters, 80 once composed
        "Cafe\u0301 " * 17,
    ],
)
def test_the_excerpt_is_what_truncating_the_folded_body_to_80_characters_gives(body):
    assert Comment(body=body).excerpt == Truncator(" ".join(body.split())).chars(80)
