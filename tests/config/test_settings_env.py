"""Spam and abuse thresholds: production values by default, raised only from the environment."""

import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings.base
from config.throttle import comment_throttle

BASE = Path(config.settings.base.__file__)
THRESHOLDS = {
    "COMMENT_MIN_SECONDS": 3,
    "COMMENT_RATE_LIMIT": 5,
    "COMMENT_RATE_WINDOW": 600,
    "LOGIN_FAILURE_LIMIT": 10,
    "LOGIN_FAILURE_WINDOW": 900,
    "SIGNUP_LIMIT": 10,
    "SIGNUP_WINDOW": 3600,
    "PASSWORD_RESET_LIMIT": 5,
    "PASSWORD_RESET_WINDOW": 3600,
}


def base_settings(monkeypatch, **environ: str) -> dict:
    """config/settings/base.py evaluated afresh under this environment (Django's own settings,
    already loaded for the suite, are left alone)."""
    for name in THRESHOLDS:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE))


def test_without_the_environment_the_thresholds_are_the_production_ones(monkeypatch):
    values = base_settings(monkeypatch)
    assert {name: values[name] for name in THRESHOLDS} == THRESHOLDS


@pytest.mark.parametrize("name", THRESHOLDS)
def test_each_threshold_can_be_set_from_the_environment(monkeypatch, name):
    assert base_settings(monkeypatch, **{name: "7200"})[name] == 7200


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("COMMENT_RATE_LIMIT", "lots", "must be a whole number"),
        ("COMMENT_RATE_LIMIT", "0", "must be at least 1"),
        ("LOGIN_FAILURE_LIMIT", "-1", "must be at least 1"),
        ("COMMENT_MIN_SECONDS", "-3", "must be at least 0"),
        # Counters are kept per minute: a shorter window would never refuse anything.
        ("COMMENT_RATE_WINDOW", "30", "must be at least 60"),
        ("PASSWORD_RESET_WINDOW", "59", "must be at least 60"),
    ],
)
def test_a_bad_threshold_stops_start_up_naming_the_variable(monkeypatch, name, value, problem):
    with pytest.raises(ImproperlyConfigured, match=f"{name} {problem}"):
        base_settings(monkeypatch, **{name: value})


def test_the_limits_are_read_when_a_comment_is_checked_not_at_import(settings):
    settings.COMMENT_RATE_LIMIT = 100_000
    settings.COMMENT_RATE_WINDOW = 120
    throttle = comment_throttle()
    assert (throttle.limit, throttle.window) == (100_000, 120)


def test_env_example_lists_every_variable_the_code_reads():
    root = BASE.parents[2]
    reads = re.compile(r"""(?:env(?:_int|_bool|_list)?|environ\.get)\(\s*"([A-Z][A-Z0-9_]+)\"""")
    sources = [root / "gunicorn.conf.py", *root.glob("config/**/*.py")]
    sources += [*root.glob("accounts/**/*.py"), *root.glob("legs/**/*.py")]
    read = {name for path in sources for name in reads.findall(path.read_text())}
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (root / ".env.example").read_text(), re.M))
    assert read - listed == set()
    assert {"DATABASE_URL", "COMMENT_RATE_LIMIT", "GUNICORN_WORKERS"} <= read
