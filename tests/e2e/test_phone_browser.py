"""Issue 14, a runner's phone: the first screen, the menu without JavaScript, readable charts and
lists, the dashboard's order, the tips search box after Back, and the console watch itself.
Measured at 390x844 (a phone) and 1280x800 (a laptop)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import WatchedBrowser
from tests.e2e.test_accessibility import (
    MEMBER_PAGES,
    PUBLIC_PAGES,
    assert_accessible,
    fill_diary,
    log_in,
)
from tests.factories import PASSWORD, ModeratorFactory, UserFactory
from tests.support import signup_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SIZES = pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["390", "1280"])


@pytest.fixture
def member(catalogue):
    return UserFactory(display_name="Robin")


def top(locator) -> float:
    """Where an element starts, in CSS px from the top of the first screen."""
    return locator.evaluate("element => element.getBoundingClientRect().top")


def test_the_console_watch_catches_a_csp_violation_in_any_context(chromium, live_server):
    """Every context is watched, not only the `page` fixture's: an inline style refused by
    the CSP is reported."""
    watched = WatchedBrowser(chromium)
    context = watched.new_context(base_url=live_server.url, java_script_enabled=True)
    page = context.new_page()
    page.goto("/privacy/")
    page.evaluate(
        "document.head.append(Object.assign(document.createElement('style'),"
        " {textContent: 'p { color: red }'}))"
    )
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_timeout(200)
    context.close()
    assert any("CSP violation: style-src" in problem for problem in watched.problems), (
        watched.problems
    )


# 1. The home page's first screen.


@SIZES
def test_the_home_first_screen_offers_the_troubleshooter_and_when_to_stop(page, catalogue, size):
    page.set_viewport_size(size)
    page.goto("/")
    action = page.get_by_role("link", name="Find out why your legs feel heavy — about 10 questions")
    stop = page.get_by_role("link", name="When to stop and see someone")
    assert top(action) + action.bounding_box()["height"] <= size["height"]
    assert top(stop) + stop.bounding_box()["height"] <= size["height"]
    # The causes follow as short cards, below the first screen on a phone.
    cards = page.locator(".cause-card")
    expect(cards).not_to_have_count(0)
    if size is PHONE:
        assert top(cards.first) > top(stop)

    stop.click()
    expect(page.locator("#when-to-stop")).to_be_in_viewport()
    action.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Heavy legs")


@SIZES
def test_the_troubleshooter_has_its_own_menu_item(page, live_server, catalogue, size):
    page.set_viewport_size(size)
    page.goto("/tips/")
    menu = page.get_by_role("navigation", name="Main")
    if size is PHONE:
        menu.locator("summary.site-menu-toggle").click()
    menu.get_by_role("link", name="Why heavy legs?").click()
    expect(page).to_have_url(f"{live_server.url}/checklists/heavy-legs/")
    expect(menu.locator("a[aria-current='page']")).to_have_text("Why heavy legs?")


# 2. The menu without JavaScript.


@SIZES
def test_every_menu_item_is_reachable_without_javascript(browser, live_server, catalogue, size):
    """A moderator, with JavaScript off, opens the menu (a summary on a phone) and the account
    menu, reaches every item, and logs out with a POST."""
    moderator = ModeratorFactory(display_name="Coach Sam")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=size
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(moderator.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    menu = page.get_by_role("navigation", name="Main")
    items = [
        ("Home", "/"),
        ("Why heavy legs?", "/checklists/heavy-legs/"),
        ("Diary", "/diary/"),
        ("Tips", "/tips/"),
        ("Causes", "/causes/"),
        ("What’s being asked", "/asked/"),
        ("Checklists", "/checklists/"),
        ("My tips", "/tips/saved/"),
        ("Profile", "/accounts/profile/"),
        ("Change password", "/accounts/password_change/"),
        ("Admin", "/admin/"),
    ]

    def open_menu(account: bool) -> None:
        if size is PHONE:
            toggle = menu.locator("summary.site-menu-toggle")
            expect(menu.get_by_role("link", name="Tips", exact=True)).to_be_hidden()
            toggle.click()
        if account:
            expect(menu.get_by_role("link", name="Profile")).to_be_hidden()
            menu.get_by_text("Coach Sam").click()

    for name, path in items:
        page.goto("/privacy/")
        open_menu(account=name in {"Profile", "Change password", "Admin"})
        menu.get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(live_server.url + path)
    page.goto("/privacy/")
    open_menu(account=True)
    menu.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_text("Log in")).to_be_attached()
    page.goto("/diary/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    context.close()


@SIZES
def test_the_open_menu_has_no_serious_axe_violation_and_escape_closes_it(
    page, live_server, catalogue, size
):
    moderator = ModeratorFactory(display_name="Coach Sam")
    log_in(page, live_server, moderator)
    page.set_viewport_size(size)
    page.goto("/")
    assert_accessible(page)
    menu = page.get_by_role("navigation", name="Main")
    if size is PHONE:
        menu.locator("summary.site-menu-toggle").click()
    menu.get_by_text("Coach Sam").click()
    expect(menu.get_by_role("link", name="Admin")).to_be_visible()
    name = page.screenshot(path=f"/tmp/shots/i14-phone/test-menu-open-{size['width']}.png")
    assert name
    assert_accessible(page)
    menu.get_by_role("link", name="Profile").focus()
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Admin")).to_be_hidden()
    expect(menu.locator("details.account-menu > summary")).to_be_focused()


# 5. The dashboard's order.


@SIZES
def test_the_dashboard_puts_this_weeks_tip_and_the_insights_before_quick_add_and_charts(
    page, live_server, member, size
):
    fill_diary(member)
    log_in(page, live_server, member)
    page.set_viewport_size(size)
    page.goto("/diary/")
    this_week = page.locator("#this-week")
    insights = page.get_by_role("heading", name="What your diary suggests")
    quick_add = page.get_by_role("heading", name="Quick add a run")
    charts = page.get_by_role("heading", name="Your weeks in pictures")
    expect(this_week).to_contain_text("This week, try:")
    positions = [top(this_week), top(insights), top(quick_add), top(charts)]
    if size is PHONE:
        assert positions == sorted(positions), positions
        assert top(this_week) < size["height"]
    else:
        # Side by side: quick add on the right, level with this week's tip.
        assert positions[0] < positions[1] < positions[3]
        assert quick_add.bounding_box()["x"] > this_week.bounding_box()["x"] + 400
        assert top(quick_add) < size["height"] / 2
    page.screenshot(path=f"/tmp/shots/i14-phone/test-dashboard-{size['width']}.png")
    assert_accessible(page)
    tip = this_week.get_by_role("link")
    title = tip.text_content()
    tip.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


# 7. The tips search box after Back, Forward and reload.


def test_the_tips_search_box_says_what_the_list_shows_after_back_forward_and_reload(
    page, catalogue
):
    page.set_viewport_size(PHONE)
    page.goto("/tips/")
    box = page.get_by_label("Search tips, answers and facts")
    status = page.get_by_role("status")
    box.press_sequentially("sleep", delay=30)
    expect(page).to_have_url(re.compile(r"\?q=sleep$"))
    box.fill("")
    box.press_sequentially("iron", delay=30)
    expect(page).to_have_url(re.compile(r"\?q=iron$"))
    expect(status).to_contain_text("matching “iron”")

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=sleep$"))
    expect(status).to_contain_text("matching “sleep”")
    expect(box).to_have_value("sleep")

    page.go_forward()
    expect(page).to_have_url(re.compile(r"\?q=iron$"))
    expect(status).to_contain_text("matching “iron”")
    expect(box).to_have_value("iron")

    page.go_back()
    page.reload()
    expect(status).to_contain_text("matching “sleep”")
    expect(box).to_have_value("sleep")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/tips/$"))
    expect(box).to_have_value("")


# 4. Lists as cards, and no page wider than a phone.

WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def too_wide(page, urls: list[str]) -> dict[str, int]:
    """The pages among `urls` that scroll sideways at the page's size, and by how many px."""
    over = {}
    for url in urls:
        page.goto(url)
        excess = page.evaluate(WIDER_THAN_THE_SCREEN)
        if excess > 0:
            over[url] = excess
    return over


def test_no_public_page_is_wider_than_a_phone(page, catalogue):
    page.set_viewport_size(PHONE)
    assert too_wide(page, PUBLIC_PAGES) == {}


def test_no_member_page_is_wider_than_a_phone(page, live_server, member):
    fill_diary(member)
    member.runs.update(notes="Felt heavy from the first step; the hill at the end was hard work.")
    log_in(page, live_server, member)
    page.set_viewport_size(PHONE)
    assert too_wide(page, MEMBER_PAGES) == {}


def test_on_a_phone_each_run_is_a_card_with_its_actions_in_view(page, live_server, member):
    fill_diary(member)
    log_in(page, live_server, member)
    page.set_viewport_size(PHONE)
    for url, noun in (("/diary/runs/", "run"), ("/diary/checkins/", "check-in")):
        page.goto(url)
        first = page.locator("table.card-table tbody tr").first
        box = first.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
        for link in ("Edit", "Delete"):
            action = first.get_by_role("link", name=re.compile(f"^{link} {noun} of"))
            expect(action).to_be_in_viewport()
            action_box = action.bounding_box()
            assert action_box["x"] + action_box["width"] <= PHONE["width"]
            assert action_box["height"] >= 24  # a finger's target, not a word in a line
        # Each value says what it is, as the table's header did.
        expect(first.locator("td[data-label]").first).to_be_visible()
        page.screenshot(path=f"/tmp/shots/i14-phone/test-{noun}-cards-390.png")
        assert_accessible(page)
    first.get_by_role("link", name=re.compile("^Edit check-in of")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("check-in")


# 3. Charts readable on a phone, their values shown on a tap or the focus.

# The drawn size of each chart text: its height, or its width when turned on its side.
CHART_TEXT = """() => [...document.querySelectorAll('svg.chart text')].map(text => {
  const box = text.getBoundingClientRect();
  const sideways = (text.getAttribute('transform') || '').includes('rotate');
  return {text: text.textContent, px: sideways ? box.width : box.height,
          right: box.right, left: box.left};
})"""


@SIZES
def test_chart_text_is_at_least_11_px_and_inside_the_chart(page, live_server, member, size):
    fill_diary(member)
    log_in(page, live_server, member)
    page.set_viewport_size(size)
    for url in ("/diary/", "/diary/totals/"):
        page.goto(url)
        texts = page.evaluate(CHART_TEXT)
        assert texts
        small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < 11]
        assert small == [], f"chart text under 11 px on {url}: {small}"
        # The right-hand axis title fits inside the page, not squeezed off its edge.
        assert max(t["right"] for t in texts) <= size["width"]
        assert min(t["left"] for t in texts) >= 0
        print(url, size["width"], "smallest chart text", min(t["px"] for t in texts))


def test_a_tap_or_the_keyboard_shows_a_charts_value(page, live_server, member):
    fill_diary(member)
    log_in(page, live_server, member)
    page.set_viewport_size(PHONE)
    page.goto("/diary/")
    figure = page.locator("#chart-weekly")
    bars = figure.locator("rect.chart-mark")
    tip = figure.locator(".chart-tip")
    expect(tip).to_be_hidden()

    # A tap a little above a short bar still picks it.
    bar = bars.nth(2)
    figure.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] - 15)
    label = bar.get_attribute("aria-label")
    assert label.startswith("Week of ")
    expect(tip).to_be_visible()
    expect(tip).to_have_text(label)
    tip_box = tip.bounding_box()
    assert tip_box["x"] >= 0
    assert tip_box["x"] + tip_box["width"] <= PHONE["width"]
    page.screenshot(path="/tmp/shots/i14-phone/test-chart-tip-390.png")
    assert_accessible(page)

    # One Tab stop per chart (the value last shown); the arrow keys walk the values.
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    page.get_by_role("link", name="Everything").focus()
    page.keyboard.press("Tab")
    expect(bar).to_be_focused()
    expect(tip).to_have_text(label)
    page.keyboard.press("ArrowLeft")
    expect(bars.nth(1)).to_be_focused()
    expect(tip).to_have_text(bars.nth(1).get_attribute("aria-label"))
    page.keyboard.press("End")
    expect(bars.last).to_be_focused()
    expect(tip).to_have_text(bars.last.get_attribute("aria-label"))
    page.keyboard.press("Home")
    expect(bars.first).to_be_focused()
    page.keyboard.press("Tab")  # on to the next chart's values, not through every bar
    expect(page.locator("#chart-weekly .chart-mark:focus")).to_have_count(0)
    assert_accessible(page)

    # The sleep chart's mornings and the workload ratio's days answer the same way.
    for chart in ("#chart-sleep", "#chart-ratio"):
        mark = page.locator(f"{chart} .chart-mark").first
        mark.focus()
        expect(page.locator(f"{chart} .chart-tip")).to_have_text(mark.get_attribute("aria-label"))


def test_without_javascript_a_chart_keeps_its_table_and_its_named_values(
    browser, live_server, member
):
    fill_diary(member)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    log_in(page, live_server, member)
    page.goto("/diary/")
    figure = page.locator("#chart-weekly")
    expect(figure.locator(".chart-tip")).to_have_count(0)
    bar = figure.locator("rect.chart-mark").last
    expect(bar).to_have_attribute("tabindex", "0")
    expect(bar).to_have_attribute("aria-label", re.compile(r"^Week of .+ km"))
    figure.get_by_text("Show the numbers as a table").click()
    expect(figure.locator("table tbody tr")).to_have_count(12)
    context.close()


# 10. Small things: the time zone at sign-up, saving from the tips list.


def test_sign_up_proposes_the_browsers_time_zone_and_keeps_a_chosen_one(
    browser, live_server, catalogue
):
    context = browser.new_context(
        base_url=live_server.url, timezone_id="America/New_York", viewport=PHONE
    )
    page = context.new_page()
    page.goto("/accounts/signup/")
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("America/New_York")
    # A zone the runner picks is theirs, even when the form comes back with an error.
    zone.select_option("Asia/Tokyo")
    page.locator("#id_username").fill("zoned")
    page.locator("#id_email").fill("zoned@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill("not the same at all")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(zone).to_have_value("Asia/Tokyo")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(signup_link("zoned@example.com"))
    page.get_by_role("button", name="Make my account").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    assert User.objects.get(username="zoned").time_zone == "Asia/Tokyo"
    context.close()


def test_a_member_saves_a_tip_from_the_list_in_place_and_without_javascript(
    browser, live_server, member
):
    sleep_tip = "Sleep seven to nine hours a night"
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, member)
    page.goto("/tips/?q=sleep")
    page.evaluate("window.__sameDocument = 'kept'")
    page.get_by_role("button", name=f"Save to My tips – {sleep_tip}").click()
    remove = page.get_by_role("button", name=f"Remove from My tips – {sleep_tip}")
    expect(remove).to_be_focused()
    assert page.evaluate("window.__sameDocument") == "kept"
    assert member.saved_tips.get().tip.title == sleep_tip
    page.screenshot(path="/tmp/shots/i14-phone/test-tips-list-saved-390.png")
    assert_accessible(page)
    remove.click()
    expect(page.get_by_role("button", name=f"Save to My tips – {sleep_tip}")).to_be_focused()
    assert not member.saved_tips.exists()
    context.close()

    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    log_in(page, live_server, member)
    page.goto("/tips/?q=sleep")
    page.get_by_role("button", name=f"Save to My tips – {sleep_tip}").click()
    expect(page).to_have_url(re.compile(r"/tips/\?q=sleep$"))
    expect(page.get_by_role("button", name=f"Remove from My tips – {sleep_tip}")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Saved")
    context.close()
