"""What test modules across the suite share (plain values and helpers; fixtures are in conftest)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from config.throttle import CounterCache
from legs.models import Tip

# The header htmx sends with every request it makes.
HTMX = {"HX-Request": "true"}

# A script planted in user text: every page must show it escaped, never run it.
SCRIPT = "<script>alert('x')</script>"
# What an attacker tries in a text field: markup, attribute breakouts, script URLs, template
# syntax, a spoofed file name.
PAYLOADS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "<svg/onload=alert(1)>",
    "\u202egnp.exe",  # right-to-left override: shows as "exe.png"
    "'-alert(1)-'",
    '<a href="javascript:alert(1)">x</a>',
    "</script><script>alert(1)</script>",
]

FIXTURES = settings.BASE_DIR / "fixtures"
TROUBLESHOOTER = "heavy-legs"  # the troubleshooter in the content


def load_content() -> None:
    """The real tips catalogue and checklists from `fixtures/` (not the canned replies)."""
    call_command("loaddata", FIXTURES / "catalogue.json", FIXTURES / "checklists.json", verbosity=0)


def tip_page(client: Client, tip: Tip) -> str:
    """The tip's page as this client sees it (which must answer 200)."""
    response = client.get(tip.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def page_digest(response) -> str:
    """The ETag's part that names the cached copy; the rest is the visitor's own."""
    return response["ETag"].strip('"').split("-")[0]


def clear_caches(*, counters: bool = True) -> None:
    """Empty every cache alias; with `counters=False`, not the database cache's counters, which
    need the database (and a test's transaction undoes them anyway)."""
    for alias in settings.CACHES:
        if counters or not isinstance(caches[alias], CounterCache):
            caches[alias].clear()


SIGNUP_LINK = re.compile(r"https?://\S+/accounts/signup/confirm/\S+/")


def signup_link(to: str | None = None) -> str:
    """The confirmation link (its path) of the last sign-up mail, or the last one sent to `to`."""
    sent = [message for message in mail.outbox if to is None or message.to == [to]]
    return urlsplit(SIGNUP_LINK.search(sent[-1].body).group(0)).path


def confirm_sign_up(client: Client, to: str | None = None):
    """Follow the last sign-up mail's link as its reader does: the page, then its button."""
    link = signup_link(to)
    assert client.get(link).status_code == 200
    return client.post(link)
