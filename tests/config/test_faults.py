"""The database failing after the view has answered: the site's 503 page, never a 500."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import DatabaseError, InterfaceError, OperationalError
from django.test import Client

from config.views import server_error
from tests.factories import ChecklistFactory, ChecklistStepFactory

pytestmark = pytest.mark.django_db


def test_a_session_that_cannot_be_saved_gets_the_503_page_not_a_500(monkeypatch):
    step = ChecklistStepFactory(checklist=ChecklistFactory())

    def refused(self, must_create=False):
        raise OperationalError("connection refused")

    # A visitor's tick lives in the session, saved by the middleware after the view answered.
    monkeypatch.setattr(SessionStore, "save", refused)
    client = Client(raise_request_exception=False)
    response = client.post(f"/checklists/{step.checklist.slug}/steps/{step.pk}/", {"ticked": "1"})
    assert response.status_code == 503
    assert "We are down for a moment" in response.content.decode()
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize(
    ("problem", "status", "title"),
    [
        # Django's session store reports any database error on update as "the session was
        # deleted meanwhile", which its middleware answers with a 400...
        (
            OperationalError("terminating connection due to administrator command"),
            503,
            "We are down for a moment",
        ),
        # ...which stays right when the session really was deleted (logged out in another tab).
        (DatabaseError("Forced update did not affect any rows."), 400, "Bad request"),
    ],
)
def test_an_existing_session_that_cannot_be_saved_gets_the_503_page_when_the_database_is_away(
    monkeypatch, problem, status, title
):
    step = ChecklistStepFactory(checklist=ChecklistFactory())
    url = f"/checklists/{step.checklist.slug}/steps/{step.pk}/"
    client = Client(raise_request_exception=False)
    assert client.post(url, {"ticked": "1"}).status_code == 302  # the session exists now

    def fails(self, *args, **kwargs):
        raise problem

    monkeypatch.setattr(Session, "save", fails)
    response = client.post(url, {"ticked": "0"})
    assert response.status_code == status
    assert title in response.content.decode()


@pytest.mark.parametrize(
    ("exception", "status"),
    [
        (OperationalError("server closed the connection"), 503),
        (InterfaceError("connection already closed"), 503),
        (ValueError("a bug"), 500),
    ],
)
def test_the_server_error_page_tells_an_outage_from_a_bug(rf, exception, status):
    try:
        raise exception
    except Exception:  # Django calls the handler inside its own `except`, like this
        response = server_error(rf.get("/"))
    assert response.status_code == status
    assert "Traceback" not in response.content.decode()
