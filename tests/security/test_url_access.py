"""Every URL, as every role: visitor, owner, another member and a moderator."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.urlmap import EXPECTED, LOGIN, REDIRECT, ROLES


def site_url_names() -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def test_every_url_pattern_has_an_entry_in_the_expected_table():
    missing = site_url_names() - set(EXPECTED)
    assert not missing, f"add these URL names to tests/security/urlmap.py: {sorted(missing)}"
    stale = set(EXPECTED) - site_url_names()
    assert not stale, f"these entries name no URL any more: {sorted(stale)}"


def assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    elif expected == REDIRECT:
        assert response.status_code == 302
        assert not response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_get_answers_the_expected_status_for_each_role(name, role, world, client_as):
    route = EXPECTED[name]
    response = client_as(role).get(reverse(name, kwargs=route.kwargs(world)))
    assert_status(response, route.get[role])


@pytest.mark.parametrize("name", sorted(name for name, route in EXPECTED.items() if route.post))
def test_every_post_endpoint_refuses_a_request_without_csrf_token(name, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.post(reverse(name, kwargs=EXPECTED[name].kwargs(world)), {})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["visitor", "owner"])
def test_admin_sends_non_staff_to_the_admin_login(role, client_as):
    response = client_as(role).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url_name", ["admin:legs_tip_changelist", "admin:accounts_user_changelist"]
)
def test_moderator_cannot_reach_tips_or_users_in_the_admin(url_name, client_as):
    assert client_as("moderator").get(reverse(url_name)).status_code == 403
