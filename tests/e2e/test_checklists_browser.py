import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from legs.models import ChecklistStep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AFTER = "/checklists/after-your-run/"


def mark_document(page):
    """Tag the current document: the tag survives htmx swaps and is lost on any page load."""
    page.evaluate("window.sameDocument = true")


def still_same_document(page) -> bool:
    return page.evaluate("window.sameDocument === true")


def test_a_visitors_three_ticks_move_the_bar_in_place_and_survive_a_reload(page, catalogue):
    page.goto(AFTER)
    progress = page.locator("#checklist-progress")
    bar = progress.locator("progress")
    expect(progress).to_contain_text("0 of 10 done")
    mark_document(page)

    toggles = page.locator(".step-toggle")
    for count in (1, 2, 3):
        toggles.nth(count - 1).click()
        expect(progress).to_contain_text(f"{count} of 10 done")
        expect(bar).to_have_attribute("value", str(count))
    expect(toggles.nth(0)).to_have_attribute("aria-pressed", "true")
    assert still_same_document(page)

    page.reload()
    expect(progress).to_contain_text("3 of 10 done")
    expect(bar).to_have_attribute("value", "3")
    for index in range(3):
        expect(toggles.nth(index)).to_have_attribute("aria-pressed", "true")
    expect(toggles.nth(3)).to_have_attribute("aria-pressed", "false")
    assert not still_same_document(page)

    toggles.nth(1).click()  # untick
    expect(progress).to_contain_text("2 of 10 done")


def test_a_stretch_timer_counts_down_then_ticks_its_step_and_says_so(page, catalogue):
    # A stretch held once (not each side), for the runner's hold of 30 s: the page's clock is
    # stopped and run forward rather than waited for.
    back = ChecklistStep.objects.get(text__startswith="Back")
    start = datetime(2026, 3, 2, 18, 0)
    page.clock.install(time=start)
    page.goto(AFTER)
    page.clock.pause_at(start + timedelta(seconds=10))
    step = page.locator(f"#step-{back.pk}")
    display = step.locator(".timer-display")
    expect(display).to_have_text("0:30")

    step.get_by_role("button", name="Start the timer").click()
    page.clock.run_for(1_000)
    expect(display).to_have_text("0:29")
    page.clock.run_for(29_000)
    toggle = page.locator(f"#step-{back.pk} .step-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#timer-status")).to_have_text(f"Time's up: {back.text}. Step ticked.")
    expect(page.locator("#checklist-progress")).to_contain_text("1 of 10 done")
    page.clock.run_for(100)  # htmx settles the swapped step on the page's clock
    expect(page.locator(f"#step-{back.pk} .timer-display")).to_have_text("0:00")


def test_a_timer_can_be_paused_and_reset(page, catalogue):
    quads = ChecklistStep.objects.get(text__startswith="Quads")
    page.goto(AFTER)
    step = page.locator(f"#step-{quads.pk}")
    status = page.locator("#timer-status")
    step.get_by_role("button", name="Start the timer").click()
    expect(status).to_have_text("Timer started: 0:30 to go.")
    expect(step.locator(".timer-display")).not_to_have_text("0:30")
    step.get_by_role("button", name="Pause").click()
    expect(status).to_contain_text("Timer paused at 0:")
    step.get_by_role("button", name="Reset").click()
    expect(status).to_have_text("Timer reset to 0:30.")
    expect(step.locator(".timer-display")).to_have_text("0:30")
    expect(step.locator(".step-toggle")).to_have_attribute("aria-pressed", "false")


def test_the_troubleshooter_goes_forward_back_and_forward_to_a_result(page, catalogue):
    question = page.locator("#troubleshooter legend")
    page.goto("/checklists/heavy-legs/")
    expect(question).to_contain_text("How long have your legs felt heavy?")
    mark_document(page)

    page.get_by_label("More than two weeks").check()
    page.get_by_role("button", name="Next").click()
    expect(question).to_contain_text("Do you also feel tired")
    expect(page).to_have_url(re.compile(r"/checklists/heavy-legs/\?q=tiredness$"))

    page.get_by_label("Yes, tired most days").check()
    page.get_by_role("button", name="Next").click()
    expect(question).to_contain_text("Is it one leg or both?")
    expect(page).to_have_url(re.compile(r"\?q=one-or-both$"))

    page.get_by_role("link", name="Back").click()
    expect(question).to_contain_text("Do you also feel tired")
    expect(page).to_have_url(re.compile(r"\?q=tiredness$"))
    expect(page.get_by_label("Yes, tired most days")).to_be_checked()
    assert still_same_document(page)

    page.get_by_role("button", name="Next").click()
    expect(question).to_contain_text("Is it one leg or both?")

    # The browser's own Back button: the page comes back from the server, answer kept.
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=tiredness$"))
    expect(question).to_contain_text("Do you also feel tired")
    expect(page.get_by_label("Yes, tired most days")).to_be_checked()

    page.get_by_role("button", name="Next").click()
    expect(question).to_contain_text("Is it one leg or both?")
    page.get_by_label("Mostly one leg").check()
    page.get_by_role("button", name="Next").click()
    expect(question).to_contain_text("Is that leg painful, swollen")
    page.get_by_label("Yes, one or more of those").check()
    page.get_by_role("button", name="Next").click()

    triage = page.locator("#triage-heading")
    expect(triage).to_have_text("Urgent: get medical advice today")
    expect(page).to_have_url(re.compile(r"/checklists/heavy-legs/result/$"))
    expect(page.get_by_text("Also: Ask a doctor for a blood test")).to_be_visible()

    page.reload()
    expect(triage).to_have_text("Urgent: get medical advice today")


# One leg, still heavy after rest: the physiotherapist's level is earned at question 4.
ONE_LEG_STILL_THERE = [
    "A few days, up to two weeks",
    "Mostly one leg",
    "No",
    "Yes, it is still there after rest",
]
BANNER = "From your answers so far: see a physiotherapist, then a doctor."


def answer_in_turn(page, answers):
    for text in answers:
        page.get_by_label(text, exact=True).check()
        page.get_by_role("button", name="Next").click()


def test_the_level_earned_stays_on_screen_and_see_my_result_now_swaps_in_the_result(
    page, catalogue
):
    question = page.locator("#troubleshooter legend")
    banner = page.locator(".triage-banner")
    page.goto("/checklists/heavy-legs/")
    expect(page.locator("#troubleshooter")).to_contain_text("Question 1 of about 11")
    mark_document(page)
    answer_in_turn(page, ONE_LEG_STILL_THERE[:-1])
    expect(question).to_contain_text("Does the heaviness")
    expect(banner).to_have_count(0)

    answer_in_turn(page, ONE_LEG_STILL_THERE[-1:])
    expect(question).to_contain_text("Have you had a virus")
    expect(banner).to_contain_text(BANNER)
    expect(page.locator("#troubleshooter")).to_contain_text("Question 5 of about 10")
    answer_in_turn(page, ["No"])
    expect(question).to_contain_text("Has your running gone up quickly")
    expect(banner).to_contain_text(BANNER)

    page.get_by_role("link", name="See my result now").click()
    expect(page.locator("#triage-heading")).to_have_text("See a physiotherapist, then a doctor")
    expect(page).to_have_url(re.compile(r"/checklists/heavy-legs/result/$"))
    expect(page.get_by_text("Your result from the answers so far.")).to_be_visible()
    assert still_same_document(page)

    page.get_by_role("link", name="Carry on with the questions").click()
    expect(question).to_contain_text("Has your running gone up quickly")
    expect(banner).to_contain_text(BANNER)


def test_see_my_result_now_works_with_javascript_off(browser, live_server, catalogue):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/checklists/heavy-legs/")
        answer_in_turn(page, ONE_LEG_STILL_THERE)
        expect(page).to_have_url(re.compile(r"\?q=recent-illness$"))
        expect(page.locator(".triage-banner")).to_contain_text(BANNER)
        page.get_by_role("link", name="See my result now").click()
        expect(page).to_have_url(re.compile(r"/checklists/heavy-legs/result/$"))
        expect(page.locator("#triage-heading")).to_have_text("See a physiotherapist, then a doctor")
        # Under "rest and get checked", massage waits for after the check.
        helps_now = page.locator(".result-tips:not(.after-check)", has_text="Massage")
        expect(helps_now).to_have_count(0)
        expect(page.locator(".after-check", has_text="Massage your legs")).to_have_count(1)
        page.get_by_role("link", name="Carry on with the questions").click()
        expect(page).to_have_url(re.compile(r"\?q=recent-illness$"))
        expect(page.locator(".triage-banner")).to_contain_text(BANNER)
    finally:
        context.close()
