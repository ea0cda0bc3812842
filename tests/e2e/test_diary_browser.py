from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from legs.models.diary import member_today
from tests.factories import PASSWORD, RunFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, member) -> None:
    page.goto("/accounts/login/?next=/diary/")
    page.locator("#id_username").fill(member.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your diary", level=1)).to_be_visible()


def test_quick_add_updates_the_weekly_chart_and_insights_without_a_page_load(page):
    member = UserFactory()
    today = member_today(member)
    for days in (8, 11, 15, 18, 22):
        RunFactory(user=member, date=today - timedelta(days=days), distance_km=Decimal("5.000"))
    log_in(page, member)

    weekly = page.locator("#chart-weekly-desc")
    expect(weekly).to_contain_text("This week so far: 0.0 km")
    expect(page.locator('[data-insight="long_run_jump"]')).to_have_count(0)
    page.evaluate("window.diaryMarker = 'no reload'")

    form = page.locator("#quick-add")
    form.get_by_label("Distance (km)").fill("12")
    form.get_by_label("Time").fill("1:05:00")
    form.get_by_label("Session effort (RPE)").select_option("5")
    form.get_by_label("Leg heaviness during the run").select_option("6")
    form.get_by_role("button", name="Add run").click()

    expect(page.locator("#messages")).to_contain_text("Run added: 12.00 km")
    expect(weekly).to_contain_text("This week so far: 12.0 km, heaviness 6.0 out of 10 during runs")
    jump = page.locator('[data-insight="long_run_jump"]')
    expect(jump).to_contain_text("Your 12.0 km run")
    expect(jump.get_by_role("link")).to_have_attribute("href", "/tips/adjust-your-route/")
    expect(page.locator(".recent-runs li").first).to_contain_text("12.00 km in 1:05:00")
    expect(page.locator("#quick-add").get_by_label("Distance (km)")).to_have_value("")
    assert page.evaluate("window.diaryMarker") == "no reload"


def test_an_invalid_quick_add_shows_the_error_in_place(page):
    member = UserFactory()
    log_in(page, member)
    page.evaluate("window.diaryMarker = 'no reload'")
    form = page.locator("#quick-add")
    form.get_by_label("Distance (km)").fill("0")
    form.get_by_label("Time").fill("30:00")
    form.get_by_label("Session effort (RPE)").select_option("3")
    form.get_by_label("Leg heaviness during the run").select_option("2")
    form.get_by_role("button", name="Add run").click()
    expect(page.locator("#quick-add")).to_contain_text("Enter a distance greater than 0.")
    expect(page.locator("#quick-add").get_by_label("Time")).to_have_value("30:00")
    expect(page.get_by_text("Your diary is empty")).to_be_visible()
    assert page.evaluate("window.diaryMarker") == "no reload"
