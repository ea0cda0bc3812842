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
    "signup_sent": Route(everyone(200)),
    "signup_confirm": Route(
        visitors_only(), kwargs=lambda world: {"token": "bad-token"}, post=True
    ),
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
    "source_detail": Route(everyone(200), kwargs=lambda world: {"slug": world.tip.source.slug}),
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
    "diary_calendar": Route(members_only()),
    "diary_totals": Route(members_only()),
    "diary_export": Route(members_only()),
    "diary_import": Route(members_only(), post=True),
    # trying a tip: another member's trial is a 404
    "trial_list": Route(members_only()),
    "trial_start": Route(members_only(), post=True),
    "trial_export": Route(members_only()),
    "trial_detail": Route(
        members_only(owner=200, other=404), kwargs=lambda world: {"pk": world.trial.pk}
    ),
    "trial_stop": Route(
        members_only(owner=200, other=404), kwargs=lambda world: {"pk": world.trial.pk}, post=True
    ),
    "trial_delete": Route(
        members_only(owner=200, other=404), kwargs=lambda world: {"pk": world.trial.pk}, post=True
    ),
    "import_detail": Route(
        members_only(owner=200, other=404), kwargs=lambda world: {"pk": world.upload.pk}
    ),
    # Rating an imported run is a POST; a GET goes to the run's page.
    "run_effort": Route(
        members_only(owner=REDIRECT, other=404),
        kwargs=lambda world: {"pk": world.run.pk},
        post=True,
    ),
    # checklists
    "checklist_list": Route(everyone(200)),
    "checklist_detail": Route(everyone(200), kwargs=lambda world: {"slug": world.checklist.slug}),
    "checklist_tick": Route(
        everyone(405),
        kwargs=lambda world: {"slug": world.checklist.slug, "step_id": world.step.pk},
        post=True,
    ),
    "checklist_hold": Route(
        everyone(405), kwargs=lambda world: {"slug": world.checklist.slug}, post=True
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
    # Linking is a POST; a GET goes to the run's page.
    "checklist_run_link": Route(
        members_only(owner=REDIRECT, other=404),
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
    # Only its author may edit a comment, for 15 minutes: anyone else finds nothing there.
    "comment_edit": Route(everyone(404), kwargs=_comment_kwargs, post=True),
    "comment_report": Route(everyone(405), kwargs=_comment_kwargs, post=True),
    # The signed token is the key, and a mail program's RFC 8058 one-click POST carries no
    # CSRF token: this POST is exempt on purpose (it can only switch reply emails off).
    "comment_unsubscribe": Route(everyone(200), kwargs=_unsubscribe_kwargs),
}


# --- the admin
#
# Built from the admin's own URL names, so a model registered tomorrow is walked the day it is
# added. The standard pages of each model (`<app>_<model>_<page>`) follow the rules below; any
# other admin URL needs its own entry in ADMIN_SPECIAL, or `test_every_admin_url_has_an_entry`
# fails.

ADMIN_ROLES = ("visitor", "owner", "moderator", "superuser")
ADMIN_LOGIN = "admin-login"
MODEL_PAGES = ("changelist", "add", "change", "delete", "history")
# The Moderators group's models (legs.models.comments.MODERATOR_PERMISSIONS), page by page.
# Every other model (tips, users, groups, diary runs and check-ins, checklist content,
# members' checklist runs) is refused to a moderator.
MODERATOR_PAGES = {
    "legs_comment": {"changelist", "change", "history"},  # no add; deleting is not moderating
    "legs_cannedreply": set(MODEL_PAGES),
    "legs_disallowedword": set(MODEL_PAGES),
    # Blocks are made from a comment's page; moderators change their expiry or lift them.
    "legs_block": {"changelist", "change", "delete", "history"},
}
# Pages refused even to a superuser: comments are written by readers and coaches, diary
# entries and checklist runs by members.
NOBODY_ADDS = {"legs_comment", "legs_run", "legs_checkin", "legs_checklistrun", "legs_block"}


def staff_only(moderator: int | str, superuser: int | str | None = None) -> dict[str, int | str]:
    return {
        "visitor": ADMIN_LOGIN,
        "owner": ADMIN_LOGIN,
        "moderator": moderator,
        "superuser": moderator if superuser is None else superuser,
    }


def _tip_on_site(world) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    tip_type = ContentType.objects.get_for_model(world.tip)
    return {"content_type_id": tip_type.pk, "object_id": world.tip.pk}


ADMIN_SPECIAL: dict[str, Route] = {
    "admin:index": Route(staff_only(200)),
    # A member who is not staff is shown the form with "you are not authorised"; staff are
    # sent on to the index.
    "admin:login": Route(
        {"visitor": 200, "owner": 200, "moderator": REDIRECT, "superuser": REDIRECT}
    ),
    # Log-out is POST only; non-staff are sent to the index (and from there to log in).
    "admin:logout": Route(
        {"visitor": REDIRECT, "owner": REDIRECT, "moderator": 405, "superuser": 405}
    ),
    "admin:password_change": Route(staff_only(200)),
    "admin:password_change_done": Route(staff_only(200)),
    # Without the field it completes, autocomplete refuses the request.
    "admin:autocomplete": Route(staff_only(403)),
    "admin:jsi18n": Route(staff_only(200)),
    # Moderators may not view tips in the admin: 404, as for a member's checklist run
    # (tests/security/test_admin_view_on_site.py).
    "admin:view_on_site": Route(staff_only(404, REDIRECT), kwargs=_tip_on_site),
    "admin:auth_user_password_change": Route(
        staff_only(403, 200), kwargs=lambda world: {"id": world.owner.pk}
    ),
    "admin:legs_comment_reply": Route(
        staff_only(200), kwargs=lambda world: {"object_id": world.comment.pk}
    ),
    # No coach answer yet: back to the comment with "answer it as coach first".
    "admin:legs_comment_promote": Route(
        staff_only(REDIRECT), kwargs=lambda world: {"object_id": world.comment.pk}
    ),
    # Row actions and undo are POST only (tests/legs/test_comments_moderation.py posts them).
    "admin:legs_comment_moderate": Route(
        staff_only(405), kwargs=lambda world: {"object_id": world.comment.pk, "verb": "approve"}
    ),
    "admin:legs_comment_undo": Route(staff_only(405), kwargs=lambda world: {"action_id": 1}),
    # An email link that is not ours is refused (400) to whoever is logged in; expired, used
    # and other moderators' links are in tests/legs/test_comments_moderator_emails.py.
    "admin:legs_comment_email_link": Route(
        staff_only(400), kwargs=lambda world: {"token": "not-a-signed-token"}
    ),
    "admin:legs_comment_email_settings": Route(staff_only(200)),
    "admin:legs_comment_block": Route(
        staff_only(405), kwargs=lambda world: {"object_id": world.comment.pk}
    ),
}
# One entry per app: a moderator's app list holds only the apps they have a model in.
ADMIN_APP_LISTS: dict[str, dict[str, int | str]] = {
    "legs": staff_only(200),
    "accounts": staff_only(404, 200),
    "auth": staff_only(404, 200),
}


def _admin_models() -> dict[str, type]:
    from django.contrib import admin

    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def admin_model_page(name: str) -> tuple[str, str] | None:
    """("legs_tip", "change") for "admin:legs_tip_change"; None for any other admin URL."""
    stem, _, page = name.removeprefix("admin:").rpartition("_")
    return (stem, page) if page in MODEL_PAGES and stem in _admin_models() else None


def admin_model(name: str) -> type:
    return _admin_models()[admin_model_page(name)[0]]


def admin_model_route(name: str) -> Route:
    stem, page = admin_model_page(name)
    model = admin_model(name)
    moderator = 200 if page in MODERATOR_PAGES.get(stem, ()) else 403
    superuser = 403 if page == "add" and stem in NOBODY_ADDS else 200

    def kwargs(world) -> dict[str, Any]:
        if page in ("changelist", "add"):
            return {}
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"the security world has no {model._meta.label}"
        return {"object_id": first.pk}

    return Route(staff_only(moderator, superuser), kwargs=kwargs)
