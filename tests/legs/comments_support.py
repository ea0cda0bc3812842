"""Helpers shared by the comment tests: a form as a browser would send it."""

from __future__ import annotations

import time

from django.core import signing
from django.test import Client
from django.urls import reverse

from legs.forms.comments import TIME_TRAP_SALT
from legs.models import Tip
from tests.support import HTMX


def served_token(seconds_ago: float = 10) -> str:
    """The time-trap token of a form served `seconds_ago`."""
    return signing.dumps(time.time() - seconds_ago, salt=TIME_TRAP_SALT)


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
    return client.post(
        reverse("comment_post", args=[tip.slug]),
        comment_data(**overrides),
        headers=HTMX if htmx else {},
        REMOTE_ADDR=ip,
    )
