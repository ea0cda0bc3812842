import re
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


# The month calendar.


def previous_month(day):
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def calendar_diary(member):
    """A run on the 10th of last month and of the month before, and a check-in on the first."""
    last_month = previous_month(member_today(member))
    before = previous_month(last_month)
    RunFactory(user=member, date=last_month.replace(day=10), distance_km=Decimal("12.000"))
    RunFactory(
        user=member, date=before.replace(day=10), distance_km=Decimal("7.500"), leg_heaviness=8
    )
    return last_month, before


def no_sideways_scrolling(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def test_calendar_months_swap_in_place_with_the_url_pushed_and_back_works(page):
    member = UserFactory()
    last_month, before = calendar_diary(member)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, member)
    page.goto(f"/diary/calendar/?month={last_month:%Y-%m}")
    heading = page.locator("#month-heading")
    expect(heading).to_have_text(f"{last_month:%B %Y}")
    no_sideways_scrolling(page)
    page.evaluate("window.calendarMarker = 'no reload'")

    page.get_by_role("link", name=f"{before:%B %Y}").click()
    expect(heading).to_have_text(f"{before:%B %Y}")
    expect(page).to_have_url(re.compile(rf"\?month={before:%Y-%m}$"))
    expect(page.locator("#calendar-status")).to_contain_text(f"{before:%B %Y}: 1 run")
    expect(page.locator(f"#day-{before.replace(day=10):%Y-%m-%d}")).to_contain_text("7.50 km")
    assert page.evaluate("window.calendarMarker") == "no reload"
    no_sideways_scrolling(page)

    page.go_back()
    expect(heading).to_have_text(f"{last_month:%B %Y}")

    # A day opens its entries and offers a run for that date, prefilled.
    day = page.locator(f"#day-{last_month.replace(day=3):%Y-%m-%d}")
    day.locator("summary").click()
    day.get_by_role("link", name="Add a run").click()
    expect(page.get_by_role("heading", name="Add a run")).to_be_visible()
    expect(page.locator("#id_date")).to_have_value(f"{last_month.replace(day=3):%Y-%m-%d}")


def test_calendar_months_and_days_work_without_javascript(browser, live_server):
    member = UserFactory()
    last_month, before = calendar_diary(member)
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    try:
        log_in(page, member)
        page.goto(f"/diary/calendar/?month={last_month:%Y-%m}")
        page.get_by_role("link", name=f"{before:%B %Y}").click()
        expect(page).to_have_url(re.compile(rf"\?month={before:%Y-%m}$"))
        expect(page.locator("#month-heading")).to_have_text(f"{before:%B %Y}")
        day = page.locator(f"#day-{before.replace(day=10):%Y-%m-%d}")
        expect(day).to_contain_text("7.50 km")
        day.locator("summary").click()
        expect(day).to_contain_text("legs very heavy (8/10)")
        day.get_by_role("link", name="Check in").click()
        expect(page.locator("#id_date")).to_have_value(f"{before.replace(day=10):%Y-%m-%d}")
        no_sideways_scrolling(page)
    finally:
        context.close()


def test_dashboard_chart_spans_swap_the_charts_in_place(page):
    member = UserFactory()
    RunFactory(user=member, date=member_today(member) - timedelta(days=200))
    RunFactory(user=member)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, member)
    page.evaluate("window.spanMarker = 'no reload'")
    page.get_by_role("link", name="1 year").click()
    expect(page.locator("#chart-weekly figcaption")).to_have_text(
        "Distance per week and leg heaviness, last year"
    )
    expect(page).to_have_url(re.compile(r"\?span=1y$"))
    expect(page.get_by_role("link", name="1 year")).to_have_attribute("aria-current", "true")
    assert page.evaluate("window.spanMarker") == "no reload"
    no_sideways_scrolling(page)
