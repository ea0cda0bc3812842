"""What browsers may keep: members' pages never, and no revalidated page with a stale token.

Issue 12, item 10: private pages carried no Cache-Control, so they could come back from the
browser's history on a shared computer after log-out. Item 11: a 304 kept a page whose CSRF
token no longer matched the visitor's after a log-in and log-out.
"""

import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from config.middleware import PrivateCacheControlMiddleware
from tests.factories import PASSWORD
from tests.security.urlmap import EXPECTED

MEMBER_PAGES = sorted(name for name, route in EXPECTED.items() if route.get["owner"] == 200)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_every_page_a_member_gets_is_private_and_never_stored(name, world, client_as):
    response = client_as("owner").get(reverse(name, kwargs=EXPECTED[name].kwargs(world)))
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_public_pages_stay_cached_for_visitors_and_are_never_stored_for_members(
    world, client_as, django_assert_num_queries
):
    url = reverse("tip_list")
    first = Client().get(url)
    with django_assert_num_queries(0):  # the visitors' page cache is as it was
        second = Client().get(url)
    for response in (first, second):
        assert "ETag" in response
        assert not cache_control(response) & {"private", "no-store"}
    mine = client_as("owner").get(url)
    assert {"private", "no-store"} <= cache_control(mine)
    assert "ETag" not in mine


def test_a_view_that_sets_its_own_cache_control_keeps_it(rf, world):
    def view(request):
        response = HttpResponse("a shared answer")
        response["Cache-Control"] = "public, max-age=60"
        return response

    request = rf.get("/")
    request.user = world.owner
    response = PrivateCacheControlMiddleware(view)(request)
    assert response["Cache-Control"] == "public, max-age=60"


def test_the_readme_and_make_serve_name_the_session_clean_up():
    """Cookie-less POSTs (a visitor's checklist ticks) leave session rows only
    `clearsessions` removes: the deployment notes must schedule it."""
    readme = (settings.BASE_DIR / "README.md").read_text()
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "manage.py clearsessions" in readme
    serve = makefile[makefile.index("# Production-like") : makefile.index("serve: setup")]
    assert "clearsessions" in serve


def token_in(html: str) -> str:
    return re.search(r'"X-CSRFToken": "(\w+)"', html).group(1)


def test_a_page_revalidated_after_log_in_and_log_out_is_sent_again_with_a_fresh_token(world):
    url = reverse("asked")
    Client().get(url)  # cached
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    etag = page["ETag"]
    assert visitor.get(url, headers={"If-None-Match": etag}).status_code == 304
    login = {"username": world.other.username, "password": PASSWORD}
    assert (
        visitor.post(
            reverse("login"), login, headers={"X-CSRFToken": token_in(page.content.decode())}
        ).status_code
        == 302
    )  # logging in gives the browser a new CSRF secret
    diary = visitor.get(reverse("diary")).content.decode()
    visitor.post(reverse("logout"), headers={"X-CSRFToken": token_in(diary)}, follow=True)
    # The browser drops the session cookie log-out expired (the test client would keep
    # sending it empty): a visitor again, served from the page cache.
    del visitor.cookies[settings.SESSION_COOKIE_NAME]
    again = visitor.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200
    token = token_in(again.content.decode())
    answer = visitor.post(
        reverse("login"), {"username": "x", "password": "y"}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 200  # the form answered: the token fits (403 when stale)
