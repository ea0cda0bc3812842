"""Open redirects and account enumeration.

Every URL that takes a `next` (log-in, sign-up, log-out, the admin's log-in, a tip's save
box) is given targets off the site, spelt every way a browser would still follow; the
redirect must stay on the site. Password reset and log-in answer the same whether or not
the account exists.
"""

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.support import confirm_sign_up

OFF_SITE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http://testserver@evil.example/",
    "http://evil.example#@testserver/",
    "https://testserver.evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/%2F..",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "https%3A%2F%2Fevil.example",
    "//evil。example",
    "//%65vil.example",
]
BASE = "http://testserver"


def browser_location(location: str, page: str) -> tuple[str, str]:
    """(scheme, host) a browser goes to for `location` sent in answer to `page`.

    As WHATWG URL parsing does: tabs and newlines vanish, leading spaces and controls are
    dropped, and a backslash counts as a slash in http(s) URLs.
    """
    cleaned = re.sub(r"[\t\n\r]", "", location).lstrip("".join(map(chr, range(33))))
    cleaned = cleaned.replace("\\", "/")
    parts = urlsplit(urljoin(BASE + page, cleaned))
    return parts.scheme.lower(), parts.netloc.lower()


def assert_stays_on_site(response, page: str):
    assert response.status_code == 302, response.status_code
    assert browser_location(response["Location"], page) == ("http", "testserver"), response[
        "Location"
    ]


def test_the_location_check_spots_off_site_redirects():
    for target in ("//evil.example", "/\\evil.example", "/\t/evil.example", "https:evil.example"):
        assert browser_location(target, "/accounts/login/") != ("http", "testserver")
    assert browser_location("/diary/", "/accounts/login/") == ("http", "testserver")


@pytest.mark.parametrize("target", OFF_SITE)
def test_log_in_never_redirects_off_site(target, world):
    page = reverse("login")
    client = Client()
    credentials = {"username": world.owner.username, "password": PASSWORD}
    response = client.post(f"{page}?next={quote(target)}", credentials | {"next": target})
    assert_stays_on_site(response, page)
    # Already logged in, the log-in page sends the member on at once: the same check.
    assert_stays_on_site(client.get(f"{page}?next={quote(target)}"), page)


@pytest.mark.parametrize("target", OFF_SITE)
def test_log_in_next_in_a_raw_query_string_never_leaves_the_site(target, world):
    """The target written into the address as it stands, and encoded twice."""
    page = reverse("login")
    credentials = {"username": world.owner.username, "password": PASSWORD}
    for query in (target, quote(quote(target))):
        client = Client()
        response = client.post(f"{page}?next={query}", credentials)
        assert_stays_on_site(response, page)


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_up_never_redirects_off_site(target, db):
    page = reverse("signup")
    data = {
        "username": "newrunner",
        "email": "new@example.com",
        "password1": "stride-cadence-42-hills",
        "password2": "stride-cadence-42-hills",
        "next": target,
    }
    response = Client().post(f"{page}?next={quote(target)}", data)
    assert_stays_on_site(response, page)


@pytest.mark.parametrize("target", OFF_SITE)
def test_log_out_never_redirects_off_site(target, world, client_as):
    page = reverse("logout")
    response = client_as("owner").post(f"{page}?next={quote(target)}", {"next": target})
    assert_stays_on_site(response, page)


@pytest.mark.parametrize("target", OFF_SITE)
def test_admin_log_in_never_redirects_off_site(target, world):
    page = reverse("admin:login")
    credentials = {"username": world.superuser.username, "password": PASSWORD, "next": target}
    response = Client().post(f"{page}?next={quote(target)}", credentials)
    assert_stays_on_site(response, page)


@pytest.mark.parametrize("target", OFF_SITE)
def test_saving_a_tip_never_redirects_off_site(target, world, client_as):
    page = reverse("tip_save", args=[world.tip.slug])
    response = client_as("owner").post(page, {"next": target})
    assert_stays_on_site(response, page)


def test_the_log_in_page_writes_next_into_its_form_escaped(db):
    target = '/tips/"><script>alert(1)</script>'
    html = Client().get(f"{reverse('login')}?next={quote(target)}").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html


# --- enumeration


def without_tokens(html: str) -> str:
    """The page with its per-render CSRF tokens taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)
    return re.sub(r'"X-CSRFToken": "\w+"', "", html)


def comparable_headers(response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name not in ("X-Request-ID", "Set-Cookie")
    }


def reset(email: str):
    client = Client()
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def test_password_reset_answers_alike_for_every_kind_of_address(world):
    """Known, unknown, a known one in capitals, an inactive account, an account without a
    usable password: the same status, redirects, headers and page, mails only to the first.
    (The mailbox differs, of course; the person asking cannot see it.)"""
    UserFactory(email="inactive@example.com", is_active=False)
    no_password = UserFactory(email="nopassword@example.com")
    no_password.set_unusable_password()
    no_password.save()
    answers = {
        email: reset(email)
        for email in (
            world.owner.email,
            world.owner.email.upper(),
            "nobody@example.com",
            "inactive@example.com",
            "nopassword@example.com",
        )
    }
    first = answers[world.owner.email]
    for response in answers.values():
        assert response.redirect_chain == first.redirect_chain
        assert response.status_code == first.status_code == 200
        assert comparable_headers(response) == comparable_headers(first)
        assert without_tokens(response.content.decode()) == without_tokens(first.content.decode())
    assert [message.to for message in mail.outbox] == [[world.owner.email]] * 2


def test_password_reset_refuses_a_malformed_address_and_sends_nothing(world):
    for email in (
        "not-an-address",
        f"{world.owner.email},x@example.com",
        "x" * 300 + "@example.com",
    ):
        response = Client().post(reverse("password_reset"), {"email": email})
        assert response.status_code == 200
        assert "is-invalid" in response.content.decode()
    assert not mail.outbox


def test_log_in_answers_alike_for_an_unknown_name_and_a_wrong_password(world):
    def attempt(username: str) -> tuple[int, str]:
        response = Client().post(reverse("login"), {"username": username, "password": "wrong"})
        html = without_tokens(response.content.decode()).replace(username, "NAME")
        return response.status_code, html

    assert attempt(world.owner.username) == attempt("no-such-runner")
    assert attempt(world.owner.email) == attempt("no-such-runner@example.com")


# Relative addresses that are also words: a `next` is an address, never a view's name.
WORDS = ["0", "profile", "home", "diary", "evil"]


@pytest.mark.parametrize("target", WORDS)
def test_a_next_that_is_a_bare_word_is_followed_as_an_address(target, world, client_as):
    visitor = Client()
    visitor.post(
        reverse("signup"),
        {
            "username": "wordrunner",
            "email": "word@example.com",
            "password1": "stride-cadence-42-hills",
            "password2": "stride-cadence-42-hills",
            "next": target,
        },
    )
    assert confirm_sign_up(visitor)["Location"] == target
    save = client_as("owner").post(reverse("tip_save", args=[world.tip.slug]), {"next": target})
    assert save["Location"] == target
    login = Client().post(
        reverse("login"),
        {"username": world.owner.username, "password": PASSWORD, "next": target},
    )
    assert login["Location"] == target
