"""Trying a tip in a real browser: started in place with JavaScript, by a plain form without."""

import re

import pytest
from playwright.sync_api import expect

from legs.models import Trial
from tests.e2e.test_diary_browser import log_in
from tests.factories import TipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_trial_starts_in_place_from_a_tip_page(page):
    member = UserFactory()
    tip = TipFactory(title="Warm up for ten minutes", trial_habit="warm_up")
    log_in(page, member)
    page.goto(tip.get_absolute_url())
    page.evaluate("window.trialMarker = 'no reload'")

    box = page.locator(f"#try-box-{tip.slug}")
    box.get_by_role("group", name="Try “Warm up for ten minutes” for").get_by_role(
        "button", name="14 days"
    ).click()

    expect(box).to_contain_text("You are trying this tip: day 1 of 14")
    expect(page.locator("#messages")).to_contain_text("Trial started: “Warm up for ten minutes”")
    assert page.evaluate("window.trialMarker") == "no reload"
    assert Trial.objects.get(user=member).length_days == 14

    box.get_by_role("link", name="See how it is going").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trying “Warm up for ten minutes”")
    expect(page.get_by_text("Day 1 of 14")).to_be_visible()


def test_a_trial_starts_without_javascript(browser, live_server):
    member = UserFactory()
    tip = TipFactory(title="Sleep seven hours", trial_habit="sleep")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, member)
        page.goto(tip.get_absolute_url())
        page.get_by_role("button", name="7 days").click()
        expect(page).to_have_url(re.compile(r"/diary/experiments/\d+/$"))
        expect(page.get_by_text("Trial started: “Sleep seven hours” for 7 days")).to_be_visible()
        expect(page.get_by_text("Day 1 of 7")).to_be_visible()

        # Trying it again while it runs: the answer says why, on the form's page.
        page.goto(tip.get_absolute_url())
        expect(page.get_by_text("You are trying this tip: day 1 of 7")).to_be_visible()
        page.goto("/diary/experiments/new/?tip=" + tip.slug)
        page.get_by_label("14 days").check()
        page.get_by_role("button", name="Start the trial").click()
        expect(page.get_by_role("alert")).to_contain_text("You are already trying “Sleep seven")
        assert Trial.objects.filter(user=member).count() == 1
    finally:
        context.close()
