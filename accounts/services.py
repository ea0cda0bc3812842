"""Account-wide writes and reads: the member's data export and the account's deletion.

Both span every domain of the site. Each domain registers its JSON sections (functions of the
member returning plain JSON data) from one module of its own with ``register_export_sections``,
and, if deleting an account must do more than the database's cascade, adds a step to
``account_delete``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from legs.services import comment_anonymise_author

from .models import User


def profile_json(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "units": user.units,
        "time_zone": user.time_zone,
        "stretch_hold": user.stretch_hold,
        "date_joined": user.date_joined.isoformat(),
    }


# The download's sections in order: the account's own, then each domain's, which the domain's
# app adds when it is ready (legs: legs.exports).
EXPORT_SECTIONS: dict[str, Callable[[User], Any]] = {"profile": profile_json}


def register_export_sections(sections: Mapping[str, Callable[[User], Any]]) -> None:
    """Add a domain's sections: each a key in the download and the function that fills it."""
    EXPORT_SECTIONS.update(sections)


def account_export(*, user: User) -> dict[str, Any]:
    """Everything the member owns, as JSON-ready data."""
    data: dict[str, Any] = {
        "format": "lighter-legs-account-export",
        "version": 1,
        "exported": timezone.now().isoformat(),
    }
    data |= {name: section(user) for name, section in EXPORT_SECTIONS.items()}
    return data


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the member and everything they own, in one transaction.

    The database cascade removes the diary (runs, check-ins), saved tips and checklist runs.
    Published comments are kept, anonymised as "former member" with the email erased, before
    the user row goes; comments that were never published go with it.
    """
    comment_anonymise_author(user=user)
    user.delete()


def email_change_notify(*, user: User, old_email: str) -> None:
    """Tell the address an account used to have that it was replaced: a member who did not do it
    learns at once, while they may still be logged in to change it back."""
    context = {
        "user": user,
        "new_email": user.email,
        "reset_url": settings.SITE_URL + reverse("password_reset"),
    }
    send_mail(
        "Your Lighter Legs email address was changed",
        render_to_string("accounts/email_changed_email.txt", context),
        None,
        [old_email],
    )
