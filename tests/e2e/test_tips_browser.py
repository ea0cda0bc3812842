"""The tips list and My tips in a real browser: live search, history, saving in place."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_search_narrows_the_list_in_place_and_back_restores_it(page, catalogue):
    page.goto("/tips/")
    cards = page.locator("#tip-results article.tip-card")
    expect(cards).to_have_count(16)
    # A full page load would wipe this marker; htmx swaps keep it.
    page.evaluate("window.__sameDocument = 'kept'")

    page.get_by_label("Search tips, answers and facts").press_sequentially("SLÉEP", delay=40)

    expect(cards).to_have_count(1)
    expect(page.get_by_role("link", name="Sleep seven to nine hours a night")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/tips/\?q=SL%C3%89EP$"))
    expect(page.get_by_role("status")).to_have_text("1 tip, 2 causes and 1 fact matching “SLÉEP”")
    expect(page.locator("#found-facts")).to_be_visible()
    assert page.evaluate("window.__sameDocument") == "kept"

    page.go_back()
    expect(page).to_have_url(re.compile(r"/tips/$"))
    expect(cards).to_have_count(16)
    assert page.evaluate("window.__sameDocument") == "kept"  # restored by htmx, not reloaded


def test_choosing_a_phase_and_a_cause_filters_without_a_page_load(page, catalogue):
    page.goto("/tips/")
    page.evaluate("window.__sameDocument = 'kept'")
    page.get_by_label("When").select_option("after")
    expect(page).to_have_url(re.compile(r"/tips/\?phase=after$"))
    expect(page.locator("#tip-results article.tip-card")).to_have_count(4)
    page.get_by_label("Cause").select_option("injury")
    expect(page).to_have_url(re.compile(r"/tips/\?phase=after&cause=injury$"))
    expect(page.get_by_role("status")).to_contain_text("Injury")
    assert page.evaluate("window.__sameDocument") == "kept"


def test_a_search_with_no_match_shows_the_empty_state_and_a_way_back(page, catalogue):
    page.goto("/tips/")
    page.get_by_label("Search tips, answers and facts").fill("zebra")
    expect(page.get_by_role("heading", name="No tips match “zebra”")).to_be_visible()
    page.get_by_role("link", name="Show all tips").click()
    expect(page.locator("#tip-results article.tip-card")).to_have_count(16)


def test_a_filtered_url_can_be_shared_and_reloaded(page, catalogue):
    page.goto("/tips/?q=iron&cause=iron-deficiency")
    expect(page.locator("#tip-results article.tip-card")).to_have_count(1)
    expect(page.get_by_label("Search tips, answers and facts")).to_have_value("iron")
    expect(page.get_by_label("Cause")).to_have_value("iron-deficiency")


def test_search_works_without_javascript(browser, live_server, catalogue):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/tips/")
    page.get_by_label("Search tips, answers and facts").fill("chocolate")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/tips/\?q=chocolate"))
    expect(page.locator("#tip-results article.tip-card")).to_have_count(1)
    context.close()


def test_member_saves_and_unsaves_a_tip_in_place_and_finds_it_in_my_tips(page, catalogue):
    member = UserFactory(username="saver")
    page.goto("/tips/get-enough-sleep/")
    page.get_by_role("link", name="Log in to save this tip").click()
    page.locator("#id_username").fill(member.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/tips/get-enough-sleep/$"))

    page.evaluate("window.__sameDocument = 'kept'")
    page.get_by_role("button", name="Save to My tips").click()
    expect(page.get_by_role("button", name="Remove from My tips")).to_be_focused()
    page.get_by_role("button", name="Remove from My tips").click()
    expect(page.get_by_role("button", name="Save to My tips")).to_be_visible()
    page.get_by_role("button", name="Save to My tips").click()
    expect(page.get_by_role("button", name="Remove from My tips")).to_be_visible()
    assert page.evaluate("window.__sameDocument") == "kept"

    page.get_by_role("link", name="My tips").first.click()
    expect(page.get_by_role("heading", name="My tips", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Sleep seven to nine hours a night")).to_be_visible()
