"""Issue 12, item 7: X-Forwarded-For is believed only from the load balancer's networks.

With TRUSTED_PROXY_COUNT=1 and gunicorn reachable directly, a rotating X-Forwarded-For walked
past every per-address limit. The header is now read only when the connection comes from
TRUSTED_PROXY_CIDRS, and the documentation says the app port is for the balancer alone.
"""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

import config.settings.base

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def behind_a_balancer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_CIDRS = ["10.0.0.0/24"]


def fail_login(n: int, remote: str):
    data = {"username": f"nobody{n}", "password": "wrong"}
    return Client().post(
        reverse("login"), data, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
    )


@pytest.mark.django_db
def test_a_client_reaching_the_app_directly_cannot_rotate_its_address(behind_a_balancer, settings):
    statuses = [fail_login(n, "198.51.100.7").status_code for n in range(14)]
    assert statuses[: settings.LOGIN_FAILURE_LIMIT] == [200] * settings.LOGIN_FAILURE_LIMIT
    assert set(statuses[settings.LOGIN_FAILURE_LIMIT :]) == {429}


@pytest.mark.django_db
def test_clients_behind_the_balancer_are_still_counted_apart(behind_a_balancer, settings):
    statuses = [fail_login(n, "10.0.0.5").status_code for n in range(14)]
    assert statuses == [200] * 14


def base_settings(monkeypatch, **environ: str) -> dict:
    for name in ("TRUSTED_PROXY_COUNT", "TRUSTED_PROXY_CIDRS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(config.settings.base.__file__)))


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"TRUSTED_PROXY_COUNT": "1"}, "TRUSTED_PROXY_CIDRS is empty"),
        (
            {"TRUSTED_PROXY_COUNT": "1", "TRUSTED_PROXY_CIDRS": "10.0.0.0/24,balancer"},
            "'balancer', which is not a network",
        ),
    ],
)
def test_trusting_a_proxy_without_its_networks_stops_start_up(monkeypatch, environ, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        base_settings(monkeypatch, **environ)


def test_the_documentation_keeps_the_app_port_for_the_balancer():
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert "GUNICORN_BIND=0.0.0.0" not in readme
    for text in (readme, example):
        assert "TRUSTED_PROXY_CIDRS" in text
        assert "reachable from the load balancer only" in text
