"""Helpers shared by the comment tests: a form as a browser would send it."""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse

from legs.forms.comments import TIME_TRAP_SALT, visitor_key
from legs.models import Tip
from tests.support import HTMX


def served_token(seconds_ago: float = 10, *, client: Client | None = None) -> str:
    """The time-trap token of a form served `seconds_ago` to this client's browser (by its
    CSRF cookie; a client without one is a browser without one), used once."""
    cookie = client.cookies.get(settings.CSRF_COOKIE_NAME) if client is not None else None
    served = {
        "at": time.time() - seconds_ago,
        "to": visitor_key(cookie.value if cookie else ""),
        "once": secrets.token_urlsafe(12),
    }
    return signing.dumps(served, salt=TIME_TRAP_SALT)


def comment_data(**overrides: object) -> dict:
    data = {
        "name": "Sam Runner",
        "email": "sam@example.com",
        "body": "My legs feel heavy from the first mile. What should I try?",
        "parent": "",
        "website": "",
        "ts": served_token(),
    }
    return data | overrides


def post_comment(
    client: Client, tip: Tip, *, htmx: bool = False, ip: str = "10.0.0.1", **overrides: object
):
    overrides.setdefault("ts", served_token(client=client))
    return client.post(
        reverse("comment_post", args=[tip.slug]),
        comment_data(**overrides),
        headers=HTMX if htmx else {},
        REMOTE_ADDR=ip,
    )
