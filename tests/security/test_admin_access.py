"""Every admin URL, as a visitor, a member, a moderator and a superuser.

A moderator reaches the comment moderation pages (the queue, a comment with its thread,
"Reply as coach", canned replies, disallowed words, blocks) and nothing else: not the tips, the
users, members' diaries or checklist runs, nor the checklist content. A superuser reaches everything
but the "add" pages of what only readers and members write.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.urlmap import (
    ADMIN_APP_LISTS,
    ADMIN_LOGIN,
    ADMIN_ROLES,
    ADMIN_SPECIAL,
    REDIRECT,
    admin_model,
    admin_model_page,
    admin_model_route,
)


def admin_url_names() -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    return {name for name in walk(get_resolver().url_patterns) if name.startswith("admin:")}


def admin_cases() -> list[tuple[str, str, str]]:
    """(url name, app_label or "", role) for every admin URL the tables cover."""
    cases = []
    for name in sorted(admin_url_names()):
        if name == "admin:app_list":
            cases += [(name, app, role) for app in sorted(ADMIN_APP_LISTS) for role in ADMIN_ROLES]
        elif name in ADMIN_SPECIAL or admin_model_page(name):
            cases += [(name, "", role) for role in ADMIN_ROLES]
    return cases


def test_every_admin_url_has_an_entry():
    uncovered = {
        name
        for name in admin_url_names()
        if name != "admin:app_list" and name not in ADMIN_SPECIAL and not admin_model_page(name)
    }
    assert not uncovered, f"add these admin URLs to ADMIN_SPECIAL in urlmap.py: {uncovered}"
    assert set(ADMIN_APP_LISTS) == {model._meta.app_label for model in admin.site._registry}


def test_the_admin_table_has_no_stale_entries():
    assert set(ADMIN_SPECIAL) <= admin_url_names()


def expected_and_url(name: str, app_label: str, role: str, world) -> tuple[int | str, str]:
    if app_label:
        return ADMIN_APP_LISTS[app_label][role], reverse(name, kwargs={"app_label": app_label})
    route = ADMIN_SPECIAL.get(name) or admin_model_route(name)
    return route.get[role], reverse(name, kwargs=route.kwargs(world))


@pytest.mark.parametrize(("name", "app_label", "role"), admin_cases())
def test_admin_page_answers_the_expected_status_for_each_role(
    name, app_label, role, world, client_as
):
    expected, url = expected_and_url(name, app_label, role, world)
    response = client_as(role).get(url)
    if expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif expected == REDIRECT:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected, url
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def model_pages(page: str) -> list[str]:
    pages = {name: admin_model_page(name) for name in admin_url_names()}
    return sorted(name for name, stem_page in pages.items() if stem_page and stem_page[1] == page)


@pytest.mark.parametrize("name", model_pages("change") + model_pages("delete"))
def test_admin_posts_without_a_csrf_token_are_refused(name, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.superuser)
    url = reverse(name, kwargs=admin_model_route(name).kwargs(world))
    assert client.post(url, {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("name", model_pages("delete"))
def test_a_moderator_cannot_delete_outside_comment_moderation(name, world, client_as):
    stem, _ = admin_model_page(name)
    model = admin_model(name)
    count = model._default_manager.count()
    url = reverse(name, kwargs=admin_model_route(name).kwargs(world))
    response = client_as("moderator").post(url, {"post": "yes"})
    if stem in ("legs_cannedreply", "legs_disallowedword", "legs_block"):
        assert response.status_code == 302
        assert model._default_manager.count() == count - 1
    else:
        assert response.status_code == 403
        assert model._default_manager.count() == count
