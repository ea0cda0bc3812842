"""Moderation in the admin: the Moderators group, the queue, "Reply as coach", promotion."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from legs.models import CannedReply, Comment, Question, Status
from tests.factories import (
    CannedReplyFactory,
    CoachReplyFactory,
    CommentFactory,
    ReplyFactory,
    TipFactory,
)
from tests.support import SCRIPT

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/legs/comment/"


def change_url(comment) -> str:
    return reverse("admin:legs_comment_change", args=[comment.pk])


def reply_url(comment) -> str:
    return reverse("admin:legs_comment_reply", args=[comment.pk])


def ago(days: float):
    return timezone.now() - datetime.timedelta(days=days)


# --- the Moderators group


def test_moderators_group_holds_only_the_comment_permissions():
    group = Group.objects.get(name="Moderators")
    perms = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert perms == {
        ("legs", "view_comment"),
        ("legs", "change_comment"),
        ("legs", "view_cannedreply"),
        ("legs", "add_cannedreply"),
        ("legs", "change_cannedreply"),
        ("legs", "delete_cannedreply"),
        ("legs", "view_disallowedword"),
        ("legs", "add_disallowedword"),
        ("legs", "change_disallowedword"),
        ("legs", "delete_disallowedword"),
        ("legs", "view_block"),
        ("legs", "change_block"),
        ("legs", "delete_block"),
    }


def test_moderator_cannot_see_or_edit_users_in_the_admin(moderator_client, member):
    assert moderator_client.get("/admin/accounts/user/").status_code == 403
    user_change = reverse("admin:accounts_user_change", args=[member.pk])
    assert moderator_client.get(user_change).status_code == 403
    response = moderator_client.post(user_change, {"username": "renamed", "email": "x@example.com"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.username != "renamed"


def test_moderator_cannot_see_or_edit_tips_in_the_admin(moderator_client, moderator):
    tip = TipFactory()
    assert not moderator.has_perm("legs.change_tip")
    assert not moderator.has_perm("legs.view_tip")
    assert moderator_client.get("/admin/legs/tip/").status_code == 403
    assert moderator_client.get(f"/admin/legs/tip/{tip.pk}/change/").status_code == 403
    response = moderator_client.post(f"/admin/legs/tip/{tip.pk}/change/", {"title": "Hacked"})
    assert response.status_code == 403
    tip.refresh_from_db()
    assert tip.title != "Hacked"
    assert moderator_client.get("/admin/legs/question/").status_code == 403


def test_moderator_sees_comments_canned_replies_and_disallowed_words(moderator_client):
    for url in (CHANGELIST, "/admin/legs/cannedreply/", "/admin/legs/disallowedword/"):
        assert moderator_client.get(url).status_code == 200
    assert moderator_client.get("/admin/legs/disallowedword/add/").status_code == 200


def test_nobody_adds_comments_through_the_admin_form(admin_client):
    assert admin_client.get("/admin/legs/comment/add/").status_code == 403


def test_visitors_and_members_are_sent_to_log_in(client, member_client):
    comment = CommentFactory()
    for c in (client, member_client):
        response = c.get(reply_url(comment))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_createmoderator_makes_an_existing_member_a_staff_moderator(member, capsys):
    call_command("createmoderator", member.username)
    member.refresh_from_db()
    assert member.is_staff
    assert member.is_moderator
    assert not member.is_superuser


def test_createmoderator_creates_a_user_with_a_random_password_printed_once(capsys):
    from accounts.models import User

    call_command("createmoderator", "newcoach", "--email", "newcoach@example.com")
    out = capsys.readouterr().out
    password = out.split("Password (shown once, change it after logging in): ")[1].strip()
    user = User.objects.get(username="newcoach")
    assert user.check_password(password)
    assert len(password) >= 12
    assert user.is_moderator


def test_createmoderator_without_email_for_an_unknown_user_says_what_to_do():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--email"):
        call_command("createmoderator", "nobody")


def test_createmoderator_rebuilds_a_missing_group(member):
    Group.objects.filter(name="Moderators").delete()
    call_command("createmoderator", member.username)
    assert Group.objects.get(name="Moderators").permissions.count() == 13


# --- the queue


def test_changelist_shows_tip_name_excerpt_status_answered_reports_and_date(moderator_client):
    question = CommentFactory(name="Priya", body="My right leg drags " * 10, report_count=1)
    CoachReplyFactory(parent=question)
    html = moderator_client.get(CHANGELIST).content.decode()
    for text in (question.tip.title, "Priya", "My right leg drags", "Approved", "Answered"):
        assert text in html
    for column in (
        "column-tip",
        "column-excerpt",
        "column-answered_display",
        "column-report_count",
        "column-created",
    ):
        assert column in html


def test_queue_filters_by_status_answered_tip_and_reports(moderator_client):
    tip = TipFactory()
    pending = CommentFactory(tip=tip, status=Status.PENDING, body="Pending one")
    answered = CommentFactory(body="Answered one")
    CoachReplyFactory(parent=answered, body="Coach says")
    reported = CommentFactory(body="Reported one", report_count=2)

    def listed(query):
        return moderator_client.get(CHANGELIST + query).content.decode()

    assert "Pending one" in listed("?status__exact=pending")
    assert "Answered one" not in listed("?status__exact=pending")
    assert "Answered one" in listed("?answered=yes")
    assert "Reported one" not in listed("?answered=yes")
    assert "Pending one" in listed(f"?tip__id__exact={tip.pk}")
    assert "Reported one" not in listed(f"?tip__id__exact={tip.pk}")
    assert "Reported one" in listed("?reported=yes")
    assert "Pending one" not in listed("?reported=yes")
    assert pending
    assert reported


def test_queue_searches_name_email_and_body(moderator_client):
    CommentFactory(name="Zanele", email="z@runners.example", body="Hill repeats")
    CommentFactory(name="Other", body="Something else")
    for query in ("Zanele", "runners.example", "repeats"):
        html = moderator_client.get(CHANGELIST, {"q": query}).content.decode()
        assert "Hill repeats" in html
        assert "Something else" not in html


def test_unanswered_view_lists_readers_public_questions_oldest_first(moderator_client):
    newer = CommentFactory(body="Newer question", created=ago(1))
    older = CommentFactory(body="Older question", created=ago(5))
    answered = CommentFactory(body="Answered question", created=ago(3))
    CoachReplyFactory(parent=answered)
    CommentFactory(body="Pending question", status=Status.PENDING)
    ReplyFactory(parent=older, body="A reader's reply")
    hidden = CommentFactory(body="Hidden question", hidden=True)
    html = moderator_client.get(CHANGELIST, {"answered": "no"}).content.decode()
    assert html.index("Older question") < html.index("Newer question")
    for text in (
        "Answered question",
        "Pending question",
        "A reader&#x27;s reply",
        "Hidden question",
    ):
        assert text not in html
    assert list(Comment.objects.unanswered()) == [older, newer]
    assert newer
    assert hidden


def test_reported_comments_come_first_in_the_queue(moderator_client):
    CommentFactory(body="Fresh and fine", created=ago(0))
    CommentFactory(body="Reported twice", report_count=2, created=ago(9))
    CommentFactory(body="Hidden by reports", report_count=3, hidden=True, created=ago(10))
    html = moderator_client.get(CHANGELIST).content.decode()
    assert (
        html.index("Hidden by reports")
        < html.index("Reported twice")
        < html.index("Fresh and fine")
    )


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", Status.APPROVED), ("reject", Status.REJECTED), ("mark_spam", Status.SPAM)],
)
def test_bulk_actions_set_the_status(moderator_client, action, status):
    comments = CommentFactory.create_batch(3, status=Status.PENDING)
    response = moderator_client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True
    )
    assert "3 comments" in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {status}


@pytest.mark.parametrize(
    ("action", "count", "said"),
    [
        ("mark_spam", 1, "1 comment marked as spam."),
        ("mark_spam", 2, "2 comments marked as spam."),
        ("approve", 1, "1 comment approved."),
        ("reject", 2, "2 comments rejected."),
    ],
)
def test_bulk_actions_say_what_happened_in_plain_words(moderator_client, action, count, said):
    comments = CommentFactory.create_batch(count, status=Status.PENDING)
    response = moderator_client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True
    )
    assert said in response.content.decode()


def test_bulk_approve_of_a_reply_notifies_the_asker(
    moderator_client, django_capture_on_commit_callbacks
):
    parent = CommentFactory(notify_on_reply=True, email="asker@example.com")
    reply = ReplyFactory(parent=parent, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(CHANGELIST, {"action": "approve", "_selected_action": [reply.pk]})
    assert [m.to for m in mail.outbox] == [["asker@example.com"]]


def test_approving_a_comment_hidden_by_reports_shows_it_again(moderator_client):
    comment = CommentFactory(hidden=True, report_count=3)
    moderator_client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert (comment.hidden, comment.report_count, comment.status) == (False, 0, Status.APPROVED)


def test_status_changed_on_the_comment_page_goes_through_moderation(
    moderator_client, django_capture_on_commit_callbacks
):
    parent = CommentFactory(notify_on_reply=True)
    reply = ReplyFactory(parent=parent, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(change_url(reply), {"status": "approved", "_save": "Save"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == Status.APPROVED
    assert len(mail.outbox) == 1


def test_a_moderator_changes_nothing_but_the_status(moderator_client):
    comment = CommentFactory(body="Original words", status=Status.PENDING)
    moderator_client.post(
        change_url(comment), {"status": "approved", "body": "Edited words", "email": "x@y.z"}
    )
    comment.refresh_from_db()
    assert comment.body == "Original words"
    assert comment.status == Status.APPROVED


# --- the comment's page: thread, reply as coach, canned replies


def test_comment_page_shows_the_whole_thread_with_emails_and_the_reply_box(moderator_client):
    CannedReplyFactory(title="Physio first", body="See a physiotherapist first.")
    question = CommentFactory(name="Priya", email="priya@example.com", body="Leg drags")
    reply = ReplyFactory(parent=question, name="Aisling", body="Same here", status=Status.PENDING)
    html = moderator_client.get(change_url(reply)).content.decode()
    for text in (
        "Leg drags",
        "Same here",
        "priya@example.com",
        "Pending",
        "Reply as coach",
        "Physio first",
    ):
        assert text in html
    assert f'action="{reply_url(question)}"' in html
    assert 'id="canned-replies" type="application/json"' in html
    assert "js/comments.js" in html
    assert html.count("<script>") == 0


def test_reply_as_coach_publishes_under_the_comment_with_badge_and_email(
    moderator_client, moderator, django_capture_on_commit_callbacks
):
    question = CommentFactory(name="Priya", notify_on_reply=True, email="priya@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(reply_url(question), {"body": "See a physio first."})
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST  # no question left to answer: back to the list
    answer = Comment.objects.get(parent=question)
    assert (answer.status, answer.by_coach, answer.user) == (Status.APPROVED, True, moderator)
    assert answer.name == moderator.public_name
    assert len(mail.outbox) == 1
    follow = moderator_client.get(response["Location"]).content.decode()
    assert "have been emailed" in follow
    page = moderator_client.get(question.tip.get_absolute_url()).content.decode()
    assert "See a physio first." in page
    assert "coach-badge" in page


def test_reply_as_coach_with_an_empty_box_sends_the_chosen_canned_reply(moderator_client):
    canned = CannedReplyFactory(body="Keep it easy, rest and sleep.")
    question = CommentFactory()
    moderator_client.post(reply_url(question), {"canned": canned.pk, "body": ""})
    assert Comment.objects.get(parent=question).body == "Keep it easy, rest and sleep."


def test_reply_as_coach_prefers_the_written_text_over_the_canned_reply(moderator_client):
    canned = CannedReplyFactory(body="Canned words")
    question = CommentFactory()
    moderator_client.post(reply_url(question), {"canned": canned.pk, "body": "Edited words"})
    assert Comment.objects.get(parent=question).body == "Edited words"


def test_reply_as_coach_refuses_an_empty_reply_and_a_too_long_one_keeping_the_text(
    moderator_client,
):
    question = CommentFactory()
    response = moderator_client.post(reply_url(question), {"body": "  "})
    assert response.status_code == 200
    assert "Write a reply, or choose a canned reply" in response.content.decode()
    long_text = "word " * 700
    response = moderator_client.post(reply_url(question), {"body": long_text})
    html = response.content.decode()
    assert "at most 3000 characters" in html
    assert long_text.strip()[:100] in html
    assert not Comment.objects.filter(parent=question).exists()


def test_reply_as_coach_on_a_reply_goes_under_the_thread(moderator_client):
    question = CommentFactory()
    reader_reply = ReplyFactory(parent=question)
    moderator_client.post(reply_url(reader_reply), {"body": "Answer"})
    assert Comment.objects.get(body="Answer").parent == question


def test_answering_a_pending_question_publishes_it(moderator_client):
    question = CommentFactory(status=Status.PENDING)
    moderator_client.post(reply_url(question), {"body": "Answer"})
    question.refresh_from_db()
    assert question.status == Status.APPROVED


def test_reply_view_for_a_missing_comment_is_404(moderator_client):
    assert (
        moderator_client.get(reverse("admin:legs_comment_reply", args=[999999])).status_code == 404
    )


def test_shipped_canned_replies_cover_one_sided_symptoms_and_coming_back_from_a_virus():
    call_command("loaddata", "fixtures/comments.json", verbosity=0)
    bodies = " ".join(CannedReply.objects.values_list("body", flat=True)).lower()
    titles = " ".join(CannedReply.objects.values_list("title", flat=True)).lower()
    assert "physiotherapist first" in bodies
    assert "doctor" in bodies
    assert "virus" in titles
    assert "sleep" in bodies
    assert "easy" in bodies


# --- promotion to "What's being asked"


def test_promote_action_turns_question_and_coach_answer_into_a_q_and_a(moderator_client):
    question = CommentFactory(name="Priya", body="Why do my legs drag?")
    CoachReplyFactory(parent=question, body="Old answer", created=ago(2))
    CoachReplyFactory(parent=question, body="Latest answer", created=ago(1))
    moderator_client.post(CHANGELIST, {"action": "promote", "_selected_action": [question.pk]})
    entry = Question.objects.get()
    assert (entry.question, entry.answer, entry.tip) == (
        "Why do my legs drag?",
        "Latest answer",
        question.tip,
    )
    assert "Priya" not in entry.question + entry.answer
    assert entry.is_published
    question.refresh_from_db()
    assert question.question == entry


def test_promote_action_skips_unanswered_and_already_promoted_questions(moderator_client):
    unanswered = CommentFactory()
    response = moderator_client.post(
        CHANGELIST, {"action": "promote", "_selected_action": [unanswered.pk]}, follow=True
    )
    assert "Answer it as coach first" in response.content.decode()
    answered = CommentFactory()
    CoachReplyFactory(parent=answered)
    for _ in range(2):
        response = moderator_client.post(
            CHANGELIST, {"action": "promote", "_selected_action": [answered.pk]}, follow=True
        )
    assert "already" in response.content.decode()
    assert Question.objects.count() == 1


def test_promote_page_lets_the_moderator_reword_before_publishing(moderator_client):
    question = CommentFactory(body="Hi, I'm Priya from Leeds. Why does my leg drag?")
    CoachReplyFactory(parent=question, body="See a physio.")
    url = reverse("admin:legs_comment_promote", args=[question.pk])
    html = moderator_client.get(url).content.decode()
    assert "Hi, I&#x27;m Priya from Leeds." in html
    response = moderator_client.post(
        url, {"question": "Why does my leg drag?", "answer": "See a physio."}
    )
    assert response["Location"] == change_url(question)
    assert Question.objects.get().question == "Why does my leg drag?"
    response = moderator_client.post(url, {"question": "", "answer": ""})
    assert response.status_code == 302  # already promoted: back to the comment with a warning
    assert Question.objects.count() == 1


def test_promoted_question_appears_on_whats_being_asked(moderator_client, client):
    question = CommentFactory(body="Is cycling OK on rest days?")
    CoachReplyFactory(parent=question, body="Easy spinning is fine.")
    moderator_client.post(CHANGELIST, {"action": "promote", "_selected_action": [question.pk]})
    html = client.get("/asked/").content.decode()
    assert "Is cycling OK on rest days?" in html
    assert "Easy spinning is fine." in html


# --- the admin index and escaping


def test_admin_index_shows_pending_and_unanswered_counts(moderator_client):
    CommentFactory.create_batch(2, status=Status.PENDING)
    CommentFactory.create_batch(3)
    html = moderator_client.get("/admin/").content.decode()
    assert 'id="moderation-queue"' in html
    assert 'Pending moderation</a></th><td class="moderation-count">2</td>' in html
    assert 'Unanswered questions (oldest first)</a></th><td class="moderation-count">3</td>' in html
    assert "?answered=no" in html


def test_script_is_escaped_everywhere_in_the_admin(moderator_client):
    question = CommentFactory(name=SCRIPT, body=SCRIPT, email="x@example.com")
    CannedReplyFactory(title=SCRIPT, body=SCRIPT)
    ReplyFactory(parent=question, name=SCRIPT, body=SCRIPT)
    for url in (CHANGELIST, change_url(question), reply_url(question), "/admin/legs/cannedreply/"):
        html = moderator_client.get(url).content.decode()
        assert SCRIPT not in html, url
    CoachReplyFactory(parent=question)
    promote = reverse("admin:legs_comment_promote", args=[question.pk])
    assert SCRIPT not in moderator_client.get(promote).content.decode()
