import re

import pytest
from playwright.sync_api import expect

from legs import services
from legs.models import Comment
from tests.factories import CannedReplyFactory, TipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "stride-cadence-42-hills"


@pytest.fixture
def coach(db):
    # Transactional tests flush the database, the migration's Moderators group with it.
    user = UserFactory(username="coach", display_name="Coach Sam", password=PASSWORD)
    return services.moderator_make(user=user)


def test_visitor_asks_a_moderator_answers_from_the_admin_and_the_visitor_sees_it(
    page, browser, live_server, settings, coach
):
    settings.COMMENT_MIN_SECONDS = 0  # the time-trap would otherwise refuse a robot-fast test
    tip = TipFactory(title="Get enough sleep")
    CannedReplyFactory(title="Back after a virus", body="Keep every run easy; rest and sleep.")

    page.goto(tip.get_absolute_url())
    form = page.locator("#comment-form")
    expect(form).to_contain_text("All fields are required.")
    page.locator("#id_name").fill("Tomasz")
    page.locator("#id_email").focus()  # leaving the name field checks it
    expect(page.locator("#div_id_name + .field-ok")).to_have_text("Check input OK")
    page.locator("#id_email").fill("not an address")
    page.locator("#id_body").focus()
    expect(page.locator("#div_id_email")).to_contain_text("Please give a valid email address")
    page.locator("#id_email").fill("tomasz@example.com")
    page.locator("#id_body").fill("Since a chest infection my thighs feel heavy. Any advice?")
    expect(page.locator("#div_id_email + .field-ok")).to_have_text("Check input OK")
    page.get_by_label("Email me when someone replies").check()
    form.get_by_role("button", name="Post comment").click()

    expect(page.locator("#comment-notice")).to_contain_text("awaiting moderation")
    thread = page.locator("#comment-thread")
    expect(thread).to_contain_text("Since a chest infection my thighs feel heavy.")
    expect(thread).to_contain_text("Awaiting moderation")
    question = Comment.objects.get()

    coach_page = browser.new_context(base_url=live_server.url).new_page()
    coach_page.goto("/admin/")
    coach_page.get_by_label("Username").fill("coach")
    coach_page.get_by_label("Password").fill(PASSWORD)
    coach_page.get_by_role("button", name="Log in").click()
    expect(coach_page.locator("#moderation-queue")).to_contain_text("Pending moderation")
    coach_page.get_by_role("link", name="Pending moderation").click()
    coach_page.get_by_role("link", name=re.compile("Since a chest infection")).click()
    # The canned-reply script is deferred: choose only once it has run, as a person would.
    coach_page.wait_for_load_state("load")
    coach_page.get_by_label("Start from a canned reply").select_option(label="Back after a virus")
    box = coach_page.get_by_label("Reply as coach")
    expect(box).to_have_value("Keep every run easy; rest and sleep.")
    box.fill("Hello Tomasz, keep every run easy for a few weeks; rest and sleep help most.")
    coach_page.get_by_role("button", name="Publish reply").click()
    expect(coach_page.locator(".messagelist")).to_contain_text("Your reply is published")
    coach_page.context.close()

    page.reload()
    answer = page.locator(f"#comment-{question.pk} .comment-replies")
    expect(answer).to_contain_text("keep every run easy for a few weeks")
    expect(answer.locator(".coach-badge")).to_have_text("Coach")
    expect(page.locator(f"#comment-{question.pk}")).not_to_contain_text("Awaiting moderation")


def test_reply_form_opens_in_place_and_a_reply_is_posted_without_leaving_the_page(page, settings):
    settings.COMMENT_MIN_SECONDS = 0
    tip = TipFactory()
    question = Comment.objects.create(
        tip=tip, name="Priya", email="p@example.com", body="My left leg drags.", status="approved"
    )
    page.goto(tip.get_absolute_url())
    page.get_by_role("link", name="Reply to Priya").click()
    reply_form = page.locator(f"#reply-form-{question.pk}")
    expect(reply_form).to_be_visible()
    expect(page).to_have_url(re.compile(r"/tips/[\w-]+/$"))
    reply_form.locator(f"#id_reply{question.pk}_name").fill("Aisling")
    reply_form.locator(f"#id_reply{question.pk}_email").fill("a@example.com")
    reply_form.locator(f"#id_reply{question.pk}_body").fill("Same for me, did it get better?")
    reply_form.get_by_role("button", name="Post reply").click()
    replies = page.locator(f"#comment-{question.pk} .comment-replies")
    expect(replies).to_contain_text("Same for me, did it get better?")
    expect(replies).to_contain_text("Awaiting moderation")
