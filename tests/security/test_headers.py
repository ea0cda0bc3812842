"""The security headers on every kind of answer, and the cookies under production settings.

The URL walk (test_url_access.py) checks the headers on every page as every role, with and
without HTMX; here: the answers no URL walk reaches (errors of every kind, their HTMX
variants) and what production settings make of the session, CSRF and message cookies.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import path, reverse

import config.urls
from tests.factories import PASSWORD
from tests.support import HTMX, signup_link

# This module is also the URLconf of its error tests: the site's URLs plus one view that fails.
handler400 = config.urls.handler400
handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500


def fails(request):
    raise RuntimeError("a bug, e.g. SECRET_KEY=do-not-show-this")


urlpatterns = [*config.urls.urlpatterns, path("test-failure/", fails)]


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def error_responses(world, htmx: bool) -> dict[str, object]:
    """One answer of each error status, as a visitor's browser (or htmx) would get it."""
    headers = HTMX if htmx else {}
    client = Client(raise_request_exception=False)
    member = Client(enforce_csrf_checks=True)
    member.force_login(world.owner)
    other = Client()
    other.force_login(world.other)
    throttled = Client()
    for _ in range(10):
        throttled.post(reverse("login"), {"username": "nobody", "password": "wrong"})

    def db_down():
        original = CursorWrapper.execute

        def refused(self, sql, params=None):
            raise OperationalError("connection refused")

        CursorWrapper.execute = refused
        try:
            return client.get(reverse("tip_list"), headers=headers)
        finally:
            CursorWrapper.execute = original

    return {
        "400 bad host": client.get(reverse("home"), headers=headers, HTTP_HOST="evil.example"),
        "403 CSRF": member.post(reverse("profile"), {"display_name": "x"}, headers=headers),
        "404 unknown URL": client.get("/no-such-page/", headers=headers),
        "404 someone else's run": other.get(
            reverse("run_edit", args=[world.run.pk]), headers=headers
        ),
        "405 GET on a POST-only URL": client.get(reverse("logout"), headers=headers),
        "429 log-in flood": throttled.post(
            reverse("login"), {"username": "nobody", "password": "x"}, headers=headers
        ),
        "500 a bug": client.get("/test-failure/", headers=headers),
        "503 database down": db_down(),
    }


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_error_answers_carry_the_security_headers_and_no_internals(world, htmx):
    statuses = {}
    for label, response in error_responses(world, htmx).items():
        statuses[label] = response.status_code
        assert_security_headers(response)
        html = response.content.decode()
        assert "Traceback" not in html
        assert "do-not-show-this" not in html
        assert "SECRET_KEY" not in html
    assert statuses == {
        "400 bad host": 400,
        "403 CSRF": 403,
        "404 unknown URL": 404,
        "404 someone else's run": 404,
        "405 GET on a POST-only URL": 405,
        "429 log-in flood": 429,
        "500 a bug": 500,
        "503 database down": 503,
    }


def test_static_files_carry_the_security_headers(db):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert_security_headers(response)


def test_error_pages_are_the_sites_own(world):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.force_login(world.owner)
    not_found = client.get(reverse("run_edit", args=[world.run.pk + 10_000]))
    assert not_found.status_code == 404
    assert "Page not found" in not_found.content.decode()
    csrf = client.post(reverse("profile"), {})
    assert "Form expired" in csrf.content.decode()


# --- production settings

PROD_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]


@pytest.fixture(scope="module")
def prod_settings() -> dict[str, object]:
    """The security settings of config.settings.prod, read in a process of its own.

    Importing the production settings here would run their overlay on the test settings'
    shared objects (TEMPLATES); a child process reads them as a server would, from a clean
    environment with only a secret key set.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))
    }
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.prod", "SECRET_KEY": "k" * 50}
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {PROD_SETTINGS!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = json.loads(out)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def prod(settings, prod_settings):
    for name, value in prod_settings.items():
        setattr(settings, name, value)
    return prod_settings


def cookie_line(response, name: str) -> str:
    """The Set-Cookie header the server sends for `name`, as a browser reads it."""
    assert name in response.cookies, f"no {name} cookie in {list(response.cookies)}"
    return response.cookies[name].output(header="Set-Cookie:")


def test_production_settings_are_strict(prod):
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] is prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] == prod["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000


def test_under_production_settings_a_log_in_sets_secure_httponly_samesite_cookies(prod, world):
    client = Client()
    page = client.get(reverse("login"), secure=True)
    csrf_on_page = cookie_line(page, "csrftoken")
    response = client.post(
        reverse("login"), {"username": world.owner.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = cookie_line(response, "sessionid")
    csrf = cookie_line(response, "csrftoken")  # rotated at log-in
    for line in (session, csrf, csrf_on_page):
        assert "; Secure" in line
        assert "SameSite=Lax" in line
    assert "; HttpOnly" in session


def test_under_production_settings_the_message_cookie_is_secure_too(prod, db):
    visitor = Client()
    visitor.post(
        reverse("signup"),
        {
            "username": "newrunner",
            "email": "new@example.com",
            "password1": "stride-cadence-42-hills",
            "password2": "stride-cadence-42-hills",
        },
        secure=True,
    )
    link = signup_link()
    assert visitor.get(link, secure=True).status_code == 200
    response = visitor.post(link, secure=True)  # the welcome message
    assert response.status_code == 302
    line = cookie_line(response, "messages")
    assert "; Secure" in line
    assert "; HttpOnly" in line
    assert "SameSite=Lax" in line


def test_under_production_settings_http_goes_to_https_with_hsts(prod, db):
    client = Client()
    plain = client.get(reverse("home"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = client.get(reverse("home"), secure=True)
    assert secure.status_code == 200
    assert "max-age=31536000" in secure["Strict-Transport-Security"]
    assert_security_headers(secure)
    # Behind the load balancer, which terminates TLS and says so in X-Forwarded-Proto.
    proxied = client.get(reverse("home"), headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert "Strict-Transport-Security" in proxied


@pytest.mark.urls(__name__)
def test_under_production_settings_errors_and_fragments_keep_the_headers(prod, world):
    client = Client(raise_request_exception=False)
    client.force_login(world.owner)
    for response in (
        client.get("/no-such-page/", secure=True),
        client.get("/test-failure/", secure=True),
        client.get(reverse("diary"), headers=HTMX, secure=True),
        client.get(reverse("tip_list") + "?q=legs", headers=HTMX, secure=True),
    ):
        assert_security_headers(response)
        assert "Strict-Transport-Security" in response
