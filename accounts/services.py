"""Account-wide writes and reads: sign-up in two steps, the member's data export, the account's
deletion, and the notice of a changed email address.

Both span every domain of the site. Each domain registers its JSON sections (functions of the
member returning plain JSON data) from one module of its own with ``register_export_sections``,
and, if deleting an account must do more than the database's cascade, adds a step to
``account_delete``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from legs.services import comment_anonymise_author

from .models import PendingSignUp, User, fold


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


@transaction.atomic
def signup_start(
    *,
    username: str,
    email: str,
    password: str,
    time_zone: str,
    next_url: str,
    link: Callable[[str], str],
) -> None:
    """Sign-up's first step, alike for every address, so its answer never says whether an
    address has an account: a free address gets a link (`link(token)`) that makes the account;
    an address with an account gets a note to its owner instead ("log in, or reset your
    password"). The password is hashed either way, so both take the same time.
    """
    now = timezone.now()
    PendingSignUp.objects.filter(expires__lte=now).delete()
    hashed = make_password(password)
    owner = User.objects.filter(email_key=fold(email)).first()
    if owner is not None:
        context = {
            "user": owner,
            "login_url": settings.SITE_URL + reverse("login"),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
        }
        send_mail(
            "Someone tried to sign up to Lighter Legs with your address",
            render_to_string("registration/signup_taken_email.txt", context),
            None,
            [owner.email],
        )
        return
    # A new sign-up for the address replaces one still waiting: only the latest link works.
    PendingSignUp.objects.filter(email__iexact=email).delete()
    token = secrets.token_urlsafe(32)
    PendingSignUp.objects.create(
        username=username,
        email=email,
        password=hashed,
        time_zone=time_zone,
        next_url=next_url,
        token_hash=PendingSignUp.hash_token(token),
        expires=now + PendingSignUp.CONFIRM_WITHIN,
    )
    context = {"username": username, "link": link(token), "days": PendingSignUp.CONFIRM_WITHIN.days}
    send_mail(
        "Confirm your Lighter Legs account",
        render_to_string("registration/signup_confirm_email.txt", context),
        None,
        [email],
    )


def signup_confirm(*, token: str) -> tuple[User, str] | None:
    """Sign-up's second step: the account, and where to go next, from a live link used once.
    None for a link that is unknown, used or out of date, or whose username or address was
    taken in the meantime (the link is spent either way)."""
    with transaction.atomic():
        pending = (
            PendingSignUp.objects.select_for_update()
            .live()
            .filter(token_hash=PendingSignUp.hash_token(token))
            .first()
        )
        if pending is None:
            return None
        pending.delete()
    user = User(
        username=pending.username,
        email=pending.email,
        password=pending.password,
        time_zone=pending.time_zone,
    )
    if (
        User.objects.filter(username_key=fold(user.username)).exists()
        or User.objects.filter(email_key=fold(user.email)).exists()
    ):
        return None
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # taken by a sign-up confirmed at the same moment
        return None
    return user, pending.next_url
