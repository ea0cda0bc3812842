"""The comment form readers fill in under a tip, and the admin's "Reply as coach" form."""

from __future__ import annotations

import datetime
import secrets
import time
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from config.throttle import comment_throttle, once
from legs.models import BlockKind, CannedReply, Comment, Tip

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

NAME_MAX_LENGTH = 60
BODY_MAX_LENGTH = 3000
TIME_TRAP_SALT = "legs.comments.form-served"
ID_MAX_DIGITS = 19  # a 64-bit primary key
# The fields checked one by one as the reader leaves them (HTMX).
CHECKED_FIELDS = ("name", "email", "body")

REFUSED_HONEYPOT = (
    "Your comment could not be accepted: a field that must stay empty was filled in. "
    "If your browser filled it for you, empty it and send your comment again."
)
REFUSED_TOO_FAST = (
    "That was sent very quickly after the form opened, as robots do. Please check your "
    "comment and send it again."
)
REFUSED_TAMPERED = "We could not check this form. Please send your comment again."
REFUSED_EXPIRED = "This form was open for a long time. Please send your comment again."
REFUSED_USED = "This form has been sent already. Please check your comment and send it again."
REFUSED_RATE = (
    "You have sent several comments in the last few minutes. Please wait ten minutes and "
    "send this one again; your text is kept below."
)
BAD_PARENT = (
    "The comment you are replying to cannot be answered here: it may have been removed. "
    "Your text is kept below."
)


def visitor_key(secret: str) -> str:
    """What binds a time-trap token to one browser: a hash of its CSRF secret."""
    return salted_hmac(TIME_TRAP_SALT, secret).hexdigest()[:16]


def time_token(request: HttpRequest) -> str:
    """A signed note of when a form was served and to which browser, with a nonce so it is
    sent once: a token copied from one page cannot carry a bot's comments for two days."""
    get_token(request)  # a first visit's CSRF secret is made here, before the form's own token
    served = {
        "at": time.time(),
        "to": visitor_key(request.META["CSRF_COOKIE"]),
        "once": secrets.token_urlsafe(12),
    }
    return signing.dumps(served, salt=TIME_TRAP_SALT)


def _served(token: str, request: HttpRequest | None) -> dict | None:
    """The token's contents when it is ours and was served to this browser, else None."""
    try:
        served = signing.loads(token, salt=TIME_TRAP_SALT)
    except signing.BadSignature:
        return None
    secret = request.META.get("CSRF_COOKIE", "") if request is not None else ""
    if (
        not isinstance(served, dict)
        or not isinstance(served.get("at"), int | float)
        or not isinstance(served.get("once"), str)
        or served.get("to") != visitor_key(secret)
    ):
        return None
    return served


class CommentForm(forms.Form):
    """A comment or a reply (`parent`) on one tip.

    Visitors give a name and an email; a member's come from the account, so those fields are
    not shown. Besides the fields, `clean()` refuses a filled honeypot, a form sent within
    COMMENT_MIN_SECONDS of being served or with a tampered time token, and an IP or account
    over the rate limit; a refused form keeps its text. Its time-trap token must have been
    served to this browser (`request`), and is spent by the first form that passes everything
    else. A form `checking` one field as it is left (HTMX) is not being sent: no refusals.
    """

    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Please give a name to show beside your comment.",
            "max_length": "Please keep your name to %(limit_value)d characters or fewer.",
        },
    )
    email = forms.EmailField(
        max_length=254,
        help_text="Never shown to anyone but our moderators.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please give your email address.",
            "invalid": "Please give a valid email address, like runner@example.com.",
        },
    )
    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Please write your comment.",
            "max_length": (
                "Please keep your comment to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
        },
    )
    notify_on_reply = forms.BooleanField(required=False, label="Email me when someone replies")
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS, filled in by robots that fill every field.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    ts = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data=None,
        *,
        tip: Tip,
        user: User | AnonymousUser | None = None,
        ip: str = "",
        reply_to: Comment | None = None,
        request: HttpRequest | None = None,
        checking: bool = False,
    ) -> None:
        self.tip = tip
        self.request = request
        self.checking = checking
        self.user = user if user is not None and user.is_authenticated else None
        self.ip = ip
        self.reply_to = reply_to
        if reply_to is None and data is not None:
            # A posted reply names its parent; a parent that cannot be answered leaves this a
            # top-level form, where clean_parent() says why and the text stays.
            self.reply_to = self._answerable(data.get("parent", ""))
        prefix_id = f"id_reply{self.reply_to.pk}_%s" if self.reply_to else "id_%s"
        super().__init__(data, auto_id=prefix_id)
        if self.user is not None:
            del self.fields["name"], self.fields["email"]
        if self.reply_to is not None:
            del self.fields["notify_on_reply"]
        self.action = reverse("comment_post", args=[tip.slug])

    @property
    def html_id(self) -> str:
        return f"reply-form-{self.reply_to.pk}" if self.reply_to else "comment-form"

    @property
    def time_token(self) -> str:
        return time_token(self.request)

    @property
    def shown_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in ("name", "email", "body", "notify_on_reply")
            if name in self.fields
        ]

    @property
    def checked_names(self) -> list[str]:
        return [name for name in CHECKED_FIELDS if name in self.fields]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body

    def _answerable(self, value: str) -> Comment | None:
        """Only a public top-level comment on this same tip can be answered."""
        value = str(value).strip()
        # Not "²", which int() refuses, nor more digits than any id has (int() refuses 4,300).
        if not (value.isascii() and value.isdecimal()) or len(value) > ID_MAX_DIGITS:
            return None
        return (
            Comment.objects.approved().top_level().for_tip(self.tip).filter(pk=int(value)).first()
        )

    def clean_parent(self) -> Comment | None:
        value = self.cleaned_data["parent"].strip()
        if not value:
            return None
        if self.reply_to is not None and value == str(self.reply_to.pk):
            return self.reply_to
        raise forms.ValidationError(BAD_PARENT, code="bad_parent")

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.checking:
            return cleaned
        if cleaned.get("website"):
            raise forms.ValidationError(REFUSED_HONEYPOT, code="honeypot")
        served = _served(cleaned.get("ts", ""), self.request)
        if served is None:
            raise forms.ValidationError(REFUSED_TAMPERED, code="tampered")
        open_for = time.time() - served["at"]
        if open_for < settings.COMMENT_MIN_SECONDS:
            raise forms.ValidationError(REFUSED_TOO_FAST, code="too_fast")
        if open_for > settings.COMMENT_FORM_MAX_AGE:
            raise forms.ValidationError(REFUSED_EXPIRED, code="expired")
        if self.errors:
            return cleaned
        # Spent, then counted, only by a form that passes everything else: a form refused for
        # its fields comes back with a new token, and so does one refused here.
        if not once(f"comment-form-sent:{served['once']}", settings.COMMENT_FORM_MAX_AGE):
            raise forms.ValidationError(REFUSED_USED, code="used")
        if not comment_throttle().allow(*self.throttle_identities):
            raise forms.ValidationError(REFUSED_RATE, code="rate_limited")
        return cleaned

    @property
    def throttle_identities(self) -> list[str]:
        identities = [f"ip:{self.ip}"] if self.ip else []
        if self.user is not None:
            identities.append(f"user:{self.user.pk}")
        return identities

    @property
    def error_summary(self) -> list[str]:
        """Errors not shown beside a visible field: refusals and a bad `parent`."""
        return [*self.non_field_errors(), *self["parent"].errors]


class CommentEditForm(forms.Form):
    """The author's new wording of their comment, checked as a new comment's text is."""

    body = CommentForm.base_fields["body"]
    clean_body = CommentForm.clean_body


class CoachReplyForm(forms.Form):
    """The admin's "Reply as coach" box, with canned replies to start from.

    With JavaScript the chosen canned reply fills the box to edit; without it, a canned reply
    chosen while the box is empty is sent as it is.
    """

    canned = forms.ModelChoiceField(
        queryset=CannedReply.objects.all(),
        required=False,
        label="Start from a canned reply",
        empty_label="(none)",
    )
    body = forms.CharField(
        label="Reply as coach",
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        body = (cleaned.get("body") or "").strip()
        if not body and cleaned.get("canned"):
            body = cleaned["canned"].body.strip()
        if not body and not self.errors:
            raise forms.ValidationError("Write a reply, or choose a canned reply to send.")
        cleaned["body"] = body
        return cleaned


class PromoteForm(forms.Form):
    """The wording of a new "What's being asked" entry, prefilled from the thread."""

    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"}),
        help_text="Remove anything that names or identifies the reader.",
    )
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}))


class BlockForm(forms.Form):
    """What to block from a comment (its email or its network address) and for how long."""

    FOR_EVER = 0
    DAYS = [(1, "for a day"), (7, "for a week"), (30, "for 30 days"), (FOR_EVER, "until lifted")]

    kind = forms.ChoiceField(choices=BlockKind.choices, label="Block")
    days = forms.TypedChoiceField(choices=DAYS, coerce=int, initial=7, label="How long")

    def expires(self) -> datetime.datetime | None:
        days = self.cleaned_data["days"]
        return timezone.now() + datetime.timedelta(days=days) if days else None

    def until_words(self) -> str:
        return dict(self.DAYS)[self.cleaned_data["days"]]
