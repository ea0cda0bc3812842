import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import DatabaseError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.middleware import HtmxMessagesMiddleware
from config.views import server_error
from tests.support import HTMX

pytestmark = pytest.mark.django_db

PAGES = ["home", "login", "signup", "password_reset", "privacy"]


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_the_security_headers(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if "script-src" in part)
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_no_inline_script_or_event_handlers(client, name):
    html = client.get(reverse(name)).content.decode()
    assert "<script>" not in html
    assert " on" + "click=" not in html
    for tag in html.split("<script")[1:]:
        assert "src=" in tag.split(">")[0]


def test_home_shows_the_medical_disclaimer_and_skip_link(client):
    html = client.get(reverse("home")).content.decode()
    assert "not a diagnosis" in html
    assert 'href="#main"' in html


def test_unknown_page_is_a_friendly_404_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Lighter Legs" in html


def test_htmx_request_needing_login_gets_hx_redirect(client):
    response = client.get(reverse("profile"), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_htmx_responses_carry_pending_messages_out_of_band(member_client, settings):
    request = RequestFactory().get("/", headers=HTMX)
    request.htmx = True
    request.session = member_client.session
    request._messages = FallbackStorage(request)
    messages.success(request, "Saved your run.")
    response = HtmxMessagesMiddleware(lambda r: HttpResponse("<p>fragment</p>"))(request)
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html
    assert "Saved your run." in html


def test_every_response_carries_a_request_id_and_keeps_a_sane_incoming_one(client):
    assert len(client.get(reverse("home"))["X-Request-ID"]) == 32
    response = client.get(reverse("home"), headers={"X-Request-ID": "lb-1234"})
    assert response["X-Request-ID"] == "lb-1234"
    response = client.get(reverse("home"), headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"


def test_pages_answer_503_with_the_site_page_while_the_database_is_down(client, monkeypatch):
    def refused(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refused)
    response = client.get(reverse("tip_list"))
    assert response.status_code == 503
    assert "We are down for a moment" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_server_errors_get_the_site_page_without_a_stack_trace(rf):
    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html
