"""The expected answer of every URL to every role: the table the security suite walks.

Each named URL pattern of the site (the admin apart, which has its own tests) needs an entry
here; a pattern without one fails `test_every_url_pattern_has_an_entry`, so a new page is
covered the day it is added.

Statuses: a number is the exact status code; LOGIN is a redirect to the log-in page; REDIRECT is
any other redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
REDIRECT = "redirect"
ROLES = ("visitor", "owner", "other", "moderator")


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def members_only(owner: int | str = 200, other: int | str = 200) -> dict[str, int | str]:
    """Member pages: visitors log in first; `other` is a member who does not own the object."""
    return {"visitor": LOGIN, "owner": owner, "other": other, "moderator": other}


def visitors_only(member: int | str = REDIRECT) -> dict[str, int | str]:
    return {"visitor": 200, "owner": member, "other": member, "moderator": member}


@dataclass(frozen=True)
class Route:
    get: dict[str, int | str]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    # POST endpoints are checked for CSRF; their GET answer is in `get` (405 when POST only).
    post: bool = False


EXPECTED: dict[str, Route] = {
    "healthz": Route(everyone(200)),
    "privacy": Route(everyone(200)),
    "home": Route(everyone(200)),
    # accounts
    "signup": Route(visitors_only(), post=True),
    "login": Route(visitors_only(), post=True),
    "logout": Route(everyone(405), post=True),
    "profile": Route(members_only(), post=True),
    "password_change": Route(members_only(), post=True),
    "account_export": Route(members_only()),
    "account_delete": Route(members_only(), post=True),
    "password_change_done": Route(members_only()),
    "password_reset": Route(everyone(200), post=True),
    "password_reset_done": Route(everyone(200)),
    "password_reset_confirm": Route(
        everyone(200), kwargs=lambda world: {"uidb64": "MQ", "token": "bad-token"}, post=True
    ),
    "password_reset_complete": Route(everyone(200)),
    # catalogue
    "tip_list": Route(everyone(200)),
    "saved_tips": Route(members_only()),
    "tip_detail": Route(everyone(200), kwargs=lambda world: {"slug": world.tip.slug}),
    "tip_save": Route(everyone(405), kwargs=lambda world: {"slug": world.tip.slug}, post=True),
    "tip_unsave": Route(everyone(405), kwargs=lambda world: {"slug": world.tip.slug}, post=True),
    "cause_list": Route(everyone(200)),
    "cause_detail": Route(everyone(200), kwargs=lambda world: {"slug": world.cause.slug}),
    "asked": Route(everyone(200)),
    # diary: another member's entries are 404, like ids that do not exist
    "diary": Route(members_only(), post=True),
    "run_list": Route(members_only()),
    "run_create": Route(members_only(), post=True),
    "run_edit": Route(
        members_only(owner=200, other=404), kwargs=lambda world: {"pk": world.run.pk}, post=True
    ),
    "run_delete": Route(
        members_only(owner=200, other=404), kwargs=lambda world: {"pk": world.run.pk}, post=True
    ),
    "checkin_list": Route(members_only()),
    "checkin_create": Route(members_only(), post=True),
    "checkin_edit": Route(
        members_only(owner=200, other=404),
        kwargs=lambda world: {"pk": world.checkin.pk},
        post=True,
    ),
    "checkin_delete": Route(
        members_only(owner=200, other=404),
        kwargs=lambda world: {"pk": world.checkin.pk},
        post=True,
    ),
    "diary_export": Route(members_only()),
    "diary_import": Route(members_only(), post=True),
    # checklists
    "checklist_list": Route(everyone(200)),
    "checklist_detail": Route(everyone(200), kwargs=lambda world: {"slug": world.checklist.slug}),
    "checklist_tick": Route(
        everyone(405),
        kwargs=lambda world: {"slug": world.checklist.slug, "step_id": world.step.pk},
        post=True,
    ),
    "checklist_finish": Route(
        everyone(405), kwargs=lambda world: {"slug": world.checklist.slug}, post=True
    ),
    "checklist_restart": Route(
        everyone(405), kwargs=lambda world: {"slug": world.checklist.slug}, post=True
    ),
    "troubleshooter_answer": Route(
        everyone(405), kwargs=lambda world: {"slug": world.troubleshooter.slug}, post=True
    ),
    # Nothing answered yet: everyone is sent back to the first question.
    "troubleshooter_result": Route(
        everyone(REDIRECT), kwargs=lambda world: {"slug": world.troubleshooter.slug}
    ),
    "checklist_run_list": Route(members_only()),
    "checklist_run_detail": Route(
        members_only(owner=200, other=404),
        kwargs=lambda world: {"pk": world.checklist_run.pk},
        post=True,
    ),
}


# --- comments
def _comment_kwargs(world) -> dict[str, Any]:
    """A public question on the world's tip, made on first use."""
    from legs.models import Comment, Status

    comment, _ = Comment.objects.get_or_create(
        tip=world.tip,
        parent=None,
        defaults={"name": "Reader", "email": "r@example.com", "body": "Why?"},
        status=Status.APPROVED,
    )
    return {"slug": world.tip.slug, "pk": comment.pk}


def _unsubscribe_kwargs(world) -> dict[str, Any]:
    from legs.models import Comment

    return {"token": Comment.objects.get(pk=_comment_kwargs(world)["pk"]).unsubscribe_token()}


EXPECTED |= {
    "comment_post": Route(everyone(405), kwargs=lambda world: {"slug": world.tip.slug}, post=True),
    "comment_check": Route(everyone(405), kwargs=lambda world: {"slug": world.tip.slug}, post=True),
    "comment_reply": Route(everyone(200), kwargs=_comment_kwargs),
    "comment_report": Route(everyone(405), kwargs=_comment_kwargs, post=True),
    # The signed token is the key, and a mail program's RFC 8058 one-click POST carries no
    # CSRF token: this POST is exempt on purpose (it can only switch reply emails off).
    "comment_unsubscribe": Route(everyone(200), kwargs=_unsubscribe_kwargs),
}
