"""Every URL, as every role: visitor, owner, another member and a moderator."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from legs.models import CheckIn, ChecklistRun, Run
from tests.security.urlmap import EXPECTED, LOGIN, REDIRECT, ROLES
from tests.support import HTMX


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


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_get_answers_the_expected_status_for_each_role(name, role, world, client_as):
    route = EXPECTED[name]
    response = client_as(role).get(reverse(name, kwargs=route.kwargs(world)))
    assert_status(response, route.get[role])
    assert_security_headers(response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_htmx_get_answers_alike_with_the_security_headers(name, role, world, client_as):
    """The HTMX variant of every URL: the same answer (a log-in redirect becomes HX-Redirect,
    so the browser leaves the page instead of swapping the log-in form into it)."""
    route = EXPECTED[name]
    url = reverse(name, kwargs=route.kwargs(world))
    response = client_as(role).get(url, headers=HTMX)
    expected = route.get[role]
    if expected == LOGIN:
        assert response.status_code == 200
        assert response["HX-Redirect"].startswith(resolve_url(settings.LOGIN_URL))
    else:
        assert_status(response, expected)
    assert_security_headers(response)


def _owners_entries(world) -> dict[str, list[dict]]:
    return {
        "runs": list(Run.objects.filter(user=world.owner).values()),
        "checkins": list(CheckIn.objects.filter(user=world.owner).values()),
        "checklist_runs": list(ChecklistRun.objects.filter(user=world.owner).values()),
    }


PER_OBJECT = sorted(
    name for name, route in EXPECTED.items() if route.post and route.get["other"] == 404
)


@pytest.mark.parametrize("role", ["other", "moderator"])
@pytest.mark.parametrize("name", PER_OBJECT)
def test_post_to_someone_elses_entry_is_404_and_changes_nothing(name, role, world, client_as):
    before = _owners_entries(world)
    data = {
        "date": world.run.date.isoformat(),
        "distance_km": "12",
        "duration": "1:00:00",
        "kind": "easy",
        "surface": "road",
        "rpe": "3",
        "leg_heaviness": "3",
        "sleep_hours": "7",
        "soreness": "3",
        "fatigue": "3",
        "stress": "3",
        "iron_rich_meals": "1",
        "notes": "Written by someone else",
    }
    url = reverse(name, kwargs=EXPECTED[name].kwargs(world))
    assert client_as(role).post(url, data).status_code == 404
    assert _owners_entries(world) == before


def test_every_member_url_with_an_object_id_is_404_to_everyone_else_in_the_table(world):
    """A URL naming a member's own entry by id must be in the walks above as 404 to others."""
    for name, route in EXPECTED.items():
        if route.get["visitor"] == LOGIN and "pk" in route.kwargs(world):
            assert route.get["other"] == route.get["moderator"] == 404, name


@pytest.mark.parametrize("name", sorted(name for name, route in EXPECTED.items() if route.post))
def test_every_post_endpoint_refuses_a_request_without_csrf_token(name, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.post(reverse(name, kwargs=EXPECTED[name].kwargs(world)), {})
    assert response.status_code == 403
