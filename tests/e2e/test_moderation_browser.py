"""The moderator's comment list in a real browser: keys only, a row action without a reload,
axe on the list and the comment page, and screenshots at a phone's and a laptop's width."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from legs import services
from legs.models import Comment, ModerationAction, Status
from tests.e2e.test_accessibility import assert_accessible, log_in, tip_with_comments
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/i15-moderation")
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}


@pytest.fixture
def moderator_page(page, live_server, catalogue):
    tip = tip_with_comments()
    CommentFactory(tip=tip, name="Zanele", body="Is a foam roller worth it?", status=Status.PENDING)
    log_in(page, live_server, services.moderator_make(user=UserFactory()))
    return page


def test_a_moderator_approves_and_undoes_by_keyboard_only(moderator_page):
    page = moderator_page
    page.goto("/admin/legs/comment/?status__exact=pending")
    page.keyboard.press("j")
    expect(page.locator("#result_list tbody tr.is-keyed")).to_contain_text("Zanele")
    expect(page.locator("#moderation-said")).to_contain_text("Zanele")
    page.keyboard.press("a")
    row = page.locator("#result_list tbody tr", has_text="Zanele")
    expect(row.locator(".row-status")).to_have_text("Approved")
    expect(page.locator("#moderation-said")).to_contain_text("approved. Undo with z")
    assert Comment.objects.get(name="Zanele").status == Status.APPROVED
    page.keyboard.press("z")
    expect(row.locator(".row-status")).to_have_text("Pending")
    expect(page.locator("#moderation-said")).to_contain_text("pending again")
    assert Comment.objects.get(name="Zanele").status == Status.PENDING
    page.keyboard.press("?")
    expect(page.locator("#moderation-keys")).to_have_attribute("open", "")


def test_a_key_pressed_before_the_changed_row_settles_still_acts_in_place(moderator_page):
    page = moderator_page
    page.goto("/admin/legs/comment/?status__exact=pending")
    # A slow settle widens the moment in which a fast moderator presses the next key.
    page.evaluate("window.notReloaded = true; htmx.config.defaultSettleDelay = 2000")
    page.keyboard.press("j")
    page.keyboard.press("a")
    row = page.locator("#result_list tbody tr", has_text="Zanele")
    expect(row.locator(".row-status")).to_have_text("Approved")
    page.keyboard.press("z")
    expect(page.locator("#moderation-said")).to_contain_text("pending again")
    assert page.evaluate("window.notReloaded === true")
    assert Comment.objects.get(name="Zanele").status == Status.PENDING


def test_keys_do_nothing_while_the_moderator_types_in_a_field(moderator_page):
    page = moderator_page
    page.goto("/admin/legs/comment/?status__exact=pending")
    page.locator("#searchbar").click()
    page.keyboard.type("ja")
    expect(page.locator("#searchbar")).to_have_value("ja")
    assert not ModerationAction.objects.exists()


def test_a_row_action_changes_the_row_without_a_reload(moderator_page):
    page = moderator_page
    page.goto("/admin/legs/comment/")
    page.evaluate("window.notReloaded = true")
    row = page.locator("#result_list tbody tr", has_text="Zanele")
    row.get_by_role("button", name="Spam").click()
    expect(row.locator(".row-status")).to_have_text("Spam")
    expect(row.get_by_role("button", name="Undo")).to_be_visible()
    assert page.evaluate("window.notReloaded === true")
    assert Comment.objects.get(name="Zanele").status == Status.SPAM


def test_the_list_and_the_comment_page_have_no_serious_axe_violation(moderator_page):
    page = moderator_page
    question = Comment.objects.get(name="Priya")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in (
        ("list", "/admin/legs/comment/"),
        ("comment", f"/admin/legs/comment/{question.pk}/change/"),
    ):
        page.goto(url)
        assert_accessible(page, preload=False)
        for size_name, size in SIZES.items():
            page.set_viewport_size(size)
            page.screenshot(path=SHOTS / f"{name}-{size_name}.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, (
                f"{url} scrolls sideways at {size_name}"
            )
            # On a phone the list is cards: its actions are in reach without scrolling it.
            assert (
                page.evaluate(
                    "(r => r ? r.scrollWidth - r.clientWidth : 0)"
                    "(document.querySelector('.results'))"
                )
                <= 0
            ), f"the list on {url} scrolls sideways at {size_name}"


def test_a_reader_reports_with_a_reason_in_place(page, catalogue):
    tip = tip_with_comments()
    page.set_viewport_size(SIZES["phone"])
    page.goto(tip.get_absolute_url())
    entry = page.locator("article.comment", has_text="Tomasz")
    entry.locator("summary", has_text="Report").click()
    entry.get_by_label("Rude").check()
    entry.get_by_label("A short note (optional)").fill("Shouting at everyone")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "report-phone.png")
    assert_accessible(page)
    entry.get_by_role("button", name="Send report").click()
    expect(entry).to_contain_text("Thank you for telling us")
    report = Comment.objects.get(name="Tomasz").reports.get()
    assert (report.reason, report.note) == ("rude", "Shouting at everyone")


def test_the_email_links_confirmation_page_is_accessible_and_acts_on_its_button(
    page, live_server, catalogue
):
    from legs import moderation_mail

    tip = tip_with_comments()
    held = CommentFactory(
        tip=tip, name="Zanele", body="Is a foam roller worth it?", status=Status.PENDING
    )
    moderator = services.moderator_make(user=UserFactory())
    log_in(page, live_server, moderator)
    token = moderation_mail.link_token(comment=held, moderator=moderator, action="approve")
    page.goto(f"/admin/legs/comment/email/{token}/")
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert_accessible(page, preload=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"confirmation-{size_name}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    held.refresh_from_db()
    assert held.status == Status.PENDING
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messagelist")).to_contain_text("approved")
    held.refresh_from_db()
    assert held.status == Status.APPROVED


def test_the_browser_remembers_a_visitors_name_and_email_when_asked(page, settings, catalogue):
    settings.COMMENT_MIN_SECONDS = 0
    tip = tip_with_comments()
    page.goto(tip.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill("Robin")
    form.get_by_role("textbox", name="Email").fill("robin@example.com")
    form.get_by_label("Comment").fill("Does a cold bath help?")
    form.get_by_label("Remember my name and email in this browser").check()
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-notice")).to_contain_text("awaiting moderation")
    page.goto(tip.get_absolute_url())
    form = page.locator("#comment-form")
    expect(form.get_by_role("textbox", name="Name")).to_have_value("Robin")
    expect(form.get_by_role("textbox", name="Email")).to_have_value("robin@example.com")
    expect(form.get_by_label("Remember my name and email in this browser")).to_be_checked()


def test_the_thread_turns_oldest_first_in_place(page, catalogue):
    tip = tip_with_comments()
    page.goto(tip.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="oldest first").click()
    expect(page.locator(".comment-order strong")).to_have_text("oldest first")
    assert page.url.endswith("?order=oldest")
    assert page.evaluate("window.notReloaded === true")
    first = page.locator(".comment-list > li").first
    expect(first).to_contain_text("Priya")
