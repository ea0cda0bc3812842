import pytest
from playwright.sync_api import expect

from tests.support import signup_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "stride-cadence-42-hills"


def test_visitor_signs_up_then_logs_in_through_the_real_forms(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("heavy")
    page.get_by_role("link", name="Sign up").click()
    page.locator("#id_username").fill("browserrunner")
    page.locator("#id_email").fill("browser@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    # The account is made from the link mailed to the address (the same page for any address).
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(signup_link("browser@example.com"))
    expect(page.get_by_role("heading", name="Confirm your account")).to_be_visible()
    page.get_by_role("button", name="Make my account").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()

    # The account menu is a <details>: its summary opens it, with or without JavaScript.
    page.locator("details.account-menu > summary", has_text="browserrunner").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.locator("#id_username").fill("browser@example.com")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Logging in lands on the diary (LOGIN_REDIRECT_URL).
    expect(page.get_by_role("heading", name="Your diary", level=1)).to_be_visible()
