"""axe-core on every kind of page and form, keyboard-only visits, the charts' text alternatives.

axe-core is vendored (tests/e2e/vendor/axe-core, from the npm registry) and injected with
`page.evaluate`: a DevTools evaluation is not subject to the page's Content-Security-Policy, so
the page keeps its strict CSP and the `page` fixture still fails a test on any CSP report.
A test fails on a "serious" or "critical" violation; milder ones are printed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from legs import services
from legs.models import Comment, Tip
from legs.models.diary import member_today
from tests.factories import (
    CheckInFactory,
    CommentFactory,
    ModeratorFactory,
    RunFactory,
    TrialFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}
TIP = "get-enough-sleep"

RUN_AXE = """async (options) => {
  const results = await axe.run(document, {resultTypes: ['violations'], ...options});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


# htmx has finished swapping and settling, and no CSS transition (an indicator fading out) is
# under way: a half-faded element would be reported as low contrast.
SETTLED = """() =>
  !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')
  && document.getAnimations().every(animation => !(animation instanceof CSSTransition))"""


def axe_violations(page, **options: object) -> list[dict]:
    """axe's violations on the page once settled, each printed; `options` go to axe.run."""
    page.wait_for_function(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(RUN_AXE, options)
    for violation in violations:
        print(
            f"axe {violation['impact']}: {violation['id']} on {page.url}: {violation['help']} "
            f"{violation['targets']}"
        )
    return violations


def assert_accessible(page, **options: object) -> None:
    blocking = [v for v in axe_violations(page, **options) if v["impact"] in BLOCKING]
    assert blocking == [], f"serious or critical axe violations on {page.url}: {blocking}"


def log_in(page, live_server, user) -> None:
    """Give the browser a session for `user` (the log-in form is scanned with the public pages)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def tip_with_comments() -> Tip:
    tip = Tip.objects.get(slug=TIP)
    question = CommentFactory(tip=tip, name="Priya", body="My left leg drags after a virus.")
    CommentFactory(tip=tip, name="Tomasz", body="Does sleep really help this much?")
    CommentFactory(tip=tip, parent=question, name="Aisling", body="Same here, any advice?")
    coach = ModeratorFactory(display_name="Coach Sam")
    services.comment_reply_as_coach(
        comment=question, moderator=coach, body="Keep every run easy for a fortnight."
    )
    return tip


def fill_diary(member) -> None:
    """Six weeks of runs and check-ins: enough for every chart and some insights."""
    today = member_today(member)
    for days in range(0, 42, 2):
        RunFactory(user=member, date=today - timedelta(days=days), leg_heaviness=4 + days % 3)
        CheckInFactory(user=member, date=today - timedelta(days=days), sleep_hours=6 + days % 3)


# Keyboard helpers. Every element Tab stops on must show where the focus is.

# The focused element draws an outline or a box-shadow ring (Bootstrap's focus ring is a
# box-shadow) once any transition has finished.
FOCUS = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const label = element.getAttribute('aria-label') || element.innerText || element.id
    || element.tagName;
  return {
    label: label.trim().slice(0, 60),
    shown: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== 'none',
  };
}"""
NO_TRANSITION = "() => document.getAnimations().every(a => !(a instanceof CSSTransition))"


def press(page, key: str) -> str:
    """Press `key`; the element it focuses must show its focus. Returns that element's label."""
    page.keyboard.press(key)
    page.wait_for_function(NO_TRANSITION)
    focus = page.evaluate(FOCUS)
    assert focus["shown"], f"{key} focused “{focus['label']}”, which shows no focus indicator"
    return focus["label"]


def focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 60) -> list[str]:
    """Tab (or Shift+Tab) until `selector` has focus; returns the labels of the stops."""
    stops = []
    for _ in range(limit):
        stops.append(press(page, "Shift+Tab" if backwards else "Tab"))
        if focused(page, selector):
            return stops
    raise AssertionError(f"Tab never reached {selector}; the stops were {stops}")


@pytest.fixture
def member(catalogue):
    return UserFactory(display_name="Robin")


# Pages anyone can see.
PUBLIC_PAGES = [
    "/",
    "/tips/",
    "/tips/?phase=after",
    "/tips/?q=stretch&cause=lactic-acid",
    "/tips/?q=no-such-word",
    "/causes/",
    "/causes/lactic-acid/",
    "/asked/",
    "/sources/avogel-heavy-legs/",
    "/sources/run-with-caroline-heavy-legs/",
    "/tips/?q=peanut",
    "/checklists/",
    "/checklists/before-your-run/",
    "/checklists/during-your-run/",
    "/checklists/after-your-run/",
    "/checklists/heavy-legs/",
    "/privacy/",
    "/accounts/signup/",
    "/accounts/signup/sent/",
    "/accounts/signup/confirm/an-old-link/",
    "/accounts/login/",
    "/accounts/password_reset/",
]


def test_the_axe_check_catches_a_violation(page, catalogue):
    """The harness is not vacuous: an image without a text alternative fails it."""
    page.goto("/")
    page.evaluate(
        "document.querySelector('main').append(Object.assign(document.createElement('img'),"
        " {src: '/static/favicon.svg'}))"
    )
    violations = {v["id"]: v["impact"] for v in axe_violations(page)}
    assert violations == {"image-alt": "critical"}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_has_no_serious_axe_violation(page, catalogue, url):
    page.goto(url)
    assert_accessible(page)


# A member's pages and forms, with a diary full of data.
MEMBER_PAGES = [
    "/",
    "/diary/",
    "/diary/runs/",
    "/diary/runs/new/",
    "/diary/checkins/",
    "/diary/checkins/new/",
    "/diary/import/",
    "/diary/experiments/",
    "/diary/experiments/new/",
    "/diary/calendar/",
    "/diary/calendar/?month=2000-01",
    "/diary/calendar/?month=not-a-month",
    "/diary/totals/",
    "/diary/?span=1y",
    "/diary/?span=all",
    "/accounts/profile/",
    "/accounts/password_change/",
    "/accounts/delete/",
    "/tips/saved/",
    "/checklists/runs/",
    "/checklists/after-your-run/",
]


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_member_page_has_no_serious_axe_violation(page, live_server, member, url):
    fill_diary(member)
    log_in(page, live_server, member)
    page.goto(url)
    assert_accessible(page)


def test_empty_diary_and_its_quick_add_errors_have_no_serious_axe_violation(
    page, live_server, member
):
    log_in(page, live_server, member)
    page.goto("/diary/")
    expect(page.get_by_text("Your diary is empty")).to_be_visible()
    assert_accessible(page)
    form = page.locator("#quick-add")
    form.get_by_role("button", name="Add run").click()
    expect(page.locator("#quick-add .invalid-feedback").first).to_be_visible()
    assert_accessible(page)

    # A run added: the message, the insights and the first charts come in out of band.
    form.get_by_label("Distance (km)").fill("8")
    form.get_by_label("Time").fill("45:00")
    form.get_by_label("Session effort (RPE)").select_option("5")
    form.get_by_label("Leg heaviness during the run").select_option("4")
    form.get_by_role("button", name="Add run").click()
    expect(page.locator("#messages")).to_contain_text("Run added")
    assert_accessible(page)


def test_run_edit_form_with_errors_has_no_serious_axe_violation(page, live_server, member):
    fill_diary(member)
    log_in(page, live_server, member)
    run = member.runs.first()
    page.goto(f"/diary/runs/{run.pk}/edit/")
    assert_accessible(page)
    page.get_by_label("Distance (km)").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page)


def test_trials_and_their_results_have_no_serious_axe_violation(page, live_server, member):
    """A finished trial's result, a running one on the list, the dashboard and the tip page
    with their try boxes, and a refused start shown in place."""
    fill_diary(member)
    today = member_today(member)
    finished = TrialFactory(
        user=member, tip=Tip.objects.get(slug=TIP), start=today - timedelta(days=20), length_days=14
    )
    running = TrialFactory(user=member, tip=Tip.objects.get(slug="warm-up-for-ten-minutes"))
    log_in(page, live_server, member)
    for url in (finished.get_absolute_url(), "/diary/experiments/", "/diary/", f"/tips/{TIP}/"):
        page.goto(url)
        assert_accessible(page)
    page.goto(f"/diary/experiments/{running.pk}/stop/")
    assert_accessible(page)
    page.goto("/tips/warm-up-for-ten-minutes/")
    expect(page.get_by_text("You are trying this tip")).to_be_visible()
    page.goto("/diary/experiments/new/?tip=warm-up-for-ten-minutes")
    page.get_by_role("button", name="Start the trial").click()
    expect(page.get_by_role("alert")).to_contain_text("You are already trying")
    assert_accessible(page)


def test_tip_with_comments_and_its_forms_have_no_serious_axe_violation(
    page, live_server, catalogue
):
    tip = tip_with_comments()
    page.goto(tip.get_absolute_url())
    expect(page.locator(".coach-badge")).to_have_count(1)
    assert_accessible(page)

    # The form with its errors, as htmx swaps it in.
    page.locator("#comment-form").get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-form .invalid-feedback").first).to_be_visible()
    assert_accessible(page)

    # The reply form opened in place, and the reply page without JavaScript's help.
    question = Comment.objects.get(name="Priya")
    page.get_by_role("link", name="Reply to Priya").click()
    expect(page.locator(f"#reply-form-{question.pk}")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{tip.get_absolute_url()}comments/{question.pk}/reply/")
    assert_accessible(page)

    # A member's comment form (no name or email fields) and the save box.
    log_in(page, live_server, UserFactory())
    page.goto(tip.get_absolute_url())
    assert_accessible(page)


def test_the_collapsed_navigation_on_a_phone_has_no_serious_axe_violation(page, catalogue):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    menu = page.locator("details.site-menu")
    expect(menu).not_to_have_attribute("open", "")
    assert_accessible(page)
    tab_to(page, "summary.site-menu-toggle")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Checklists", exact=True)).to_be_visible()
    assert_accessible(page)


def test_sign_up_with_errors_has_no_serious_axe_violation(page, catalogue):
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page)


def test_password_reset_confirm_has_no_serious_axe_violation(page, member):
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    page.goto(f"/accounts/reset/{uid}/{token}/")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)


def test_a_ticked_checklist_with_a_running_timer_has_no_serious_axe_violation(page, catalogue):
    page.goto("/checklists/after-your-run/")
    page.locator(".step-toggle").first.click()
    expect(page.locator("#checklist-progress")).to_contain_text("1 of 10 done")
    page.get_by_role("button", name="Start the timer").first.click()
    expect(page.locator("#timer-status")).to_contain_text("Timer started")
    assert_accessible(page)
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Finished: 1 of 10 steps done")).to_be_visible()
    assert_accessible(page)


def test_the_guided_stretches_idle_and_running_have_no_serious_axe_violation(page, catalogue):
    page.clock.install()  # time flows, and can be run forward to the middle of a hold
    page.goto("/checklists/after-your-run/")
    assert_accessible(page)
    page.get_by_role("button", name="Start guided stretches").click()
    page.clock.run_for(8_000)
    expect(page.locator('#guided-panel [data-guided-part="phase"]')).to_have_text("Hold")
    assert_accessible(page)


def test_troubleshooter_question_and_result_have_no_serious_axe_violation(page, catalogue):
    page.goto("/checklists/heavy-legs/")
    page.get_by_label("More than two weeks").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#troubleshooter legend")).to_contain_text("Do you also feel tired")
    assert_accessible(page)
    for answer in ("Yes, tired most days", "Mostly one leg", "Yes, one or more of those"):
        page.get_by_label(answer).check()
        page.get_by_role("button", name="Next").click()
    expect(page.locator("#triage-heading")).to_be_visible()
    assert_accessible(page)


def test_troubleshooter_banner_and_early_result_have_no_serious_axe_violation(page, catalogue):
    page.goto("/checklists/heavy-legs/")
    for answer in ("A few days", "Mostly one leg", "No", "Yes, it is still there after rest"):
        page.get_by_label(answer, exact=answer != "A few days").first.check()
        page.get_by_role("button", name="Next").click()
    expect(page.locator(".triage-banner")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See my result now").click()
    expect(page.locator("#triage-heading")).to_have_text("See a physiotherapist, then a doctor")
    assert_accessible(page)


@pytest.mark.console_allows("status of 404")  # Chromium logs the 404 itself as an error
def test_the_404_page_has_no_serious_axe_violation(page, catalogue):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_our_admin_pages_have_no_serious_axe_violation(page, live_server, catalogue):
    """The admin pages with our templates: the front page's queue, a comment, reply, promote."""
    tip_with_comments()
    question = Comment.objects.get(name="Priya")
    log_in(page, live_server, services.moderator_make(user=UserFactory()))
    for url in (
        "/admin/",
        f"/admin/legs/comment/{question.pk}/change/",
        f"/admin/legs/comment/{question.pk}/reply/",
        f"/admin/legs/comment/{question.pk}/promote/",
    ):
        page.goto(url)
        # No CSSOM preload: axe re-creates @imported sheets (the admin's forms.css has one) as
        # <style> elements, which the CSP rightly blocks and the `page` fixture reports.
        assert_accessible(page, preload=False)


# Keyboard only: Tab, Shift+Tab, Space, Enter and the arrow keys; text typed once a field has
# focus, never a click or a fill.


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, catalogue):
    page.goto("/tips/")
    assert press(page, "Tab") == "Skip to main content"
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    assert page.evaluate(FOCUS)["shown"]
    # The next Tab carries on inside the main content, past the navigation.
    press(page, "Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert focused(page, "#id_q")  # the first field of the page: the tips search


def test_a_keyboard_user_ticks_checklist_steps(page, catalogue):
    page.goto("/checklists/after-your-run/")
    progress = page.locator("#checklist-progress")
    first = page.locator(".step-toggle").first
    stops = tab_to(page, ".step-toggle")
    assert stops[0] == "Skip to main content"
    expect(first).to_be_focused()

    page.keyboard.press("Space")
    expect(progress).to_contain_text("1 of 10 done")
    expect(first).to_have_attribute("aria-pressed", "true")
    # htmx swapped the step in; the focus is back on its button, not lost to the page.
    expect(first).to_be_focused()

    tab_to(page, ".step-toggle[aria-pressed='false']")
    second = page.locator(".step-toggle").nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("Enter")
    expect(progress).to_contain_text("2 of 10 done")
    expect(second).to_be_focused()

    # Back to the first step with Shift+Tab, and untick it.
    tab_to(page, ".step-toggle[aria-pressed='true']", backwards=True)
    expect(first).to_be_focused()
    page.keyboard.press("Space")
    expect(progress).to_contain_text("1 of 10 done")
    expect(first).to_have_attribute("aria-pressed", "false")


def test_a_keyboard_user_answers_the_troubleshooter_with_the_arrow_keys(page, catalogue):
    page.goto("/checklists/heavy-legs/")
    tab_to(page, "input[type='radio']")
    page.keyboard.press("ArrowDown")  # moves to the next answer and chooses it
    chosen = page.evaluate("document.activeElement.labels[0].innerText.trim()")
    expect(page.get_by_label(chosen)).to_be_checked()
    tab_to(page, "button[type='submit']")
    page.keyboard.press("Enter")
    expect(page.locator("#troubleshooter legend")).not_to_contain_text(
        "How long have your legs felt heavy?"
    )
    # The new question takes the focus (and shows it), so the next Tab starts at its answers.
    expect(page.locator("#troubleshooter .question-form")).to_be_focused()
    assert page.evaluate(FOCUS)["shown"]
    tab_to(page, "input[type='radio']")


def test_a_keyboard_user_posts_a_comment(page, settings, catalogue):
    settings.COMMENT_MIN_SECONDS = 0  # the time-trap would refuse a robot-fast test
    page.goto(f"/tips/{TIP}/")
    tab_to(page, "#id_name")
    page.keyboard.type("Tomasz")
    press(page, "Tab")
    assert focused(page, "#id_email")
    page.keyboard.type("tomasz@example.com")
    press(page, "Tab")
    assert focused(page, "#id_body")
    page.keyboard.type("Since a chest infection my thighs feel heavy. Any advice?")
    press(page, "Tab")
    assert focused(page, "#id_notify_on_reply")
    page.keyboard.press("Space")
    expect(page.locator("#id_notify_on_reply")).to_be_checked()
    # Leaving the comment box checked it; let that answer land before sending.
    expect(page.locator("#div_id_body + .field-ok")).to_have_text("Check input OK")
    press(page, "Tab")
    assert focused(page, "#comment-form-remember")  # "Remember my name and email", left off
    press(page, "Tab")  # the honeypot field is skipped (tabindex -1)
    assert focused(page, "#comment-form-submit")
    page.keyboard.press("Enter")

    expect(page.locator("#comment-notice")).to_contain_text("awaiting moderation")
    expect(page.locator("#comment-form-submit")).to_be_focused()
    comment = Comment.objects.get()
    assert (comment.name, comment.email, comment.notify_on_reply) == (
        "Tomasz",
        "tomasz@example.com",
        True,
    )
    assert comment.body == "Since a chest infection my thighs feel heavy. Any advice?"


# The charts' text alternatives.


def test_every_diary_chart_has_an_accessible_name_and_a_table_of_its_numbers(
    page, live_server, member
):
    fill_diary(member)
    log_in(page, live_server, member)
    page.goto("/diary/")
    figures = page.locator("figure.diary-chart")
    expect(figures).to_have_count(3)
    for index in range(3):
        figure = figures.nth(index)
        svg = figure.locator("svg")
        expect(svg).to_have_attribute("role", "img")
        title = svg.locator(":scope > title").text_content()
        description = svg.locator(":scope > desc").text_content()
        assert title.strip()
        assert description.strip()
        expect(svg).to_have_accessible_name(f"{title} {description}")
        expect(page.get_by_role("img", name=title)).to_have_count(1)
        table = figure.locator("details table")
        expect(table.locator("caption")).to_have_text(title)
        expect(table.locator("thead th")).not_to_have_count(0)
        expect(table.locator("tbody tr")).not_to_have_count(0)
        expect(table).to_be_hidden()
        figure.get_by_text("Show the numbers as a table").click()
        expect(table).to_be_visible()
