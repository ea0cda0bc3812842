"""Telling moderators about held comments: one email each, or an hourly digest, with signed
Approve / Spam / Open links that open a confirmation page (nothing changes on GET).

A link names the comment, the action and the moderator it was sent to, carries a nonce so it
works once (`UsedEmailLink`), and expires after EMAIL_LINK_DAYS. The emails are plain text
built here, never read as HTML.
"""

from __future__ import annotations

import secrets
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from legs.formats import plural
from legs.models import Comment, DigestHour, HeldEmails, Status
from legs.models.comments import MODERATORS_GROUP

EMAIL_LINK_SALT = "legs.comments.moderator-link"
EMAIL_LINK_DAYS = 7
# What each link does: the status it sets (Open only opens the comment's page).
LINK_ACTIONS = {"approve": Status.APPROVED, "spam": Status.SPAM, "open": None}
LINK_WORDS = {"approve": "Approve", "spam": "Mark as spam", "open": "Open in the admin"}


class LinkRefused(Exception):
    """A link that was tampered with (400), or has expired or been used (410)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class EmailLink:
    comment_id: int
    moderator_id: int
    action: str
    nonce: str


def link_token(*, comment: Comment, moderator: User, action: str) -> str:
    payload = {"c": comment.pk, "m": moderator.pk, "a": action, "n": secrets.token_hex(16)}
    return signing.dumps(payload, salt=EMAIL_LINK_SALT)


def read_link(token: str) -> EmailLink:
    """The link's contents, or LinkRefused saying why it cannot be used."""
    try:
        data = signing.loads(token, salt=EMAIL_LINK_SALT, max_age=timedelta(days=EMAIL_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkRefused(
            f"This link has expired: links in moderators' emails work for {EMAIL_LINK_DAYS} "
            "days. Open the comment list to moderate it.",
            410,
        ) from None
    except signing.BadSignature:
        raise LinkRefused("This link is not valid: it may have been cut short.", 400) from None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("c"), int)
        and isinstance(data.get("m"), int)
        and data.get("a") in LINK_ACTIONS
        and isinstance(data.get("n"), str)
    ):
        raise LinkRefused("This link is not valid: it may have been cut short.", 400)
    return EmailLink(
        comment_id=data["c"], moderator_id=data["m"], action=data["a"], nonce=data["n"]
    )


def link_url(*, comment: Comment, moderator: User, action: str) -> str:
    token = link_token(comment=comment, moderator=moderator, action=action)
    return settings.SITE_URL + reverse("admin:legs_comment_email_link", args=[token])


def moderators(preference: str) -> QuerySet[User]:
    """Active moderators with an email address who chose `preference` (no choice: each)."""
    chosen = Q(moderator_settings__held_emails=preference)
    if preference == HeldEmails.EACH:
        chosen |= Q(moderator_settings__isnull=True)
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP))
        .filter(chosen)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _wrap(text: str, indent: str = "  ") -> str:
    lines = (textwrap.fill(line, width=72) for line in text.splitlines())
    return textwrap.indent("\n".join(lines), indent)


def _describe(comment: Comment, moderator: User) -> list[str]:
    """One held comment in an email: who, where, why it waits, what it answers, its links."""
    reasons = ", ".join(comment.held_reasons) or "every visitor's comment waits for a moderator"
    when = timezone.localtime(comment.created)
    lines = [
        f'{comment.name} on "{comment.tip.title}", {when:%d %b %Y %H:%M}',
        f"Why it is held: {reasons}.",
        "",
        _wrap(comment.body),
    ]
    if comment.parent is not None:
        lines += ["", f"It answers {comment.parent.name}:", _wrap(comment.parent.body, "  > ")]
    lines.append("")
    for action, words in LINK_WORDS.items():
        lines.append(f"{words}: {link_url(comment=comment, moderator=moderator, action=action)}")
    return lines


FOOTER = [
    "",
    f"Each link opens a page with one button to confirm; it works once, for {EMAIL_LINK_DAYS} "
    "days.",
    "Choose each, hourly or no emails under “Your moderation emails” in the admin.",
    "",
    "Lighter Legs moderation desk",
]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def send_held(comment_id: int) -> int:
    """Email each moderator who wants one a held comment; once however often it runs.
    Returns how many emails went."""
    claimed = Comment.objects.filter(
        pk=comment_id, status=Status.PENDING, moderators_emailed=False
    ).update(moderators_emailed=True)
    if not claimed:
        return 0
    comment = Comment.objects.select_related("tip", "parent").get(pk=comment_id)
    sent = 0
    for moderator in moderators(HeldEmails.EACH).exclude(pk=comment.user_id or 0):
        body = "\n".join(
            [f"Hello {moderator.public_name},", "", "A comment is waiting for you:", ""]
            + _describe(comment, moderator)
            + FOOTER
        )
        subject = _one_line(f'Comment waiting: {comment.name} on "{comment.tip.title}"')
        EmailMessage(subject=subject, body=body, to=[moderator.email]).send()
        sent += 1
    return sent


def digest_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def send_digest(hour: datetime) -> int:
    """The hour's held comments that still wait, in one email to each moderator who chose
    hourly; once however often it runs. Returns how many emails went."""
    if not DigestHour.objects.filter(hour=hour, sent=False).update(sent=True):
        return 0
    # Held in the hour: posted in it, or sent back to moderation by an edit made in it.
    end = hour + timedelta(hours=1)
    held = list(
        Comment.objects.filter(status=Status.PENDING)
        .filter(Q(created__gte=hour, created__lt=end) | Q(edited__gte=hour, edited__lt=end))
        .select_related("tip", "parent")
        .order_by("created", "pk")
    )
    if not held:
        return 0
    sent = 0
    for moderator in moderators(HeldEmails.HOURLY):
        lines = [
            f"Hello {moderator.public_name},",
            "",
            f"{plural(len(held), 'comment')} held in the hour from "
            f"{timezone.localtime(hour):%H:%M} still wait{'s' if len(held) == 1 else ''} for you.",
        ]
        for number, comment in enumerate(held, start=1):
            lines += ["", f"{number}. ", *_describe(comment, moderator)]
        body = "\n".join(lines + FOOTER)
        subject = f"{plural(len(held), 'held comment')} waiting"
        EmailMessage(subject=subject, body=body, to=[moderator.email]).send()
        sent += 1
    return sent
