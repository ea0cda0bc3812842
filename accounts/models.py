from __future__ import annotations

import hashlib
import secrets
import unicodedata
import zoneinfo
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Units(models.TextChoices):
    KM = "km", "Kilometres"
    MI = "mi", "Miles"


class StretchHold(models.IntegerChoices):
    """How long a runner holds each static stretch, each side: Caroline's article says "roughly
    20 to 45 seconds", so three steps across that range."""

    SHORT = 20, "20 seconds"
    MEDIUM = 30, "30 seconds"
    LONG = 45, "45 seconds"


DEFAULT_TIME_ZONE = "Europe/London"
TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


def fold(text: str) -> str:
    """An identity as log-in compares it: NFKC, then Unicode case folding, in Python, so it is
    the same on every database (PostgreSQL's UPPER() turns a dotless "ı" into "I", SQLite's
    folds ASCII only)."""
    return unicodedata.normalize("NFKC", text.strip()).casefold()


def new_diary_stamp() -> str:
    return secrets.token_hex(8)


class MemberManager(UserManager):
    def get_by_natural_key(self, username: str) -> User:
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A member. Email is unique ignoring case so it can stand in for the username at log-in."""

    email = models.EmailField("email address", max_length=254)
    display_name = models.CharField(max_length=60, blank=True)
    units = models.CharField(max_length=2, choices=Units.choices, default=Units.KM)
    time_zone = models.CharField(
        max_length=64, choices=TIME_ZONE_CHOICES, default=DEFAULT_TIME_ZONE
    )
    stretch_hold = models.PositiveSmallIntegerField(
        "hold each stretch for",
        choices=StretchHold.choices,
        default=StretchHold.MEDIUM,
        help_text="Each side, in the After-your-run stretches and their guided timer.",
    )

    # The username and email folded (`fold`), kept by save(): log-in finds an account by these,
    # so it matches the same accounts on SQLite and PostgreSQL.
    username_key = models.CharField(max_length=150, db_index=True, editable=False, blank=True)
    email_key = models.CharField(max_length=254, db_index=True, editable=False, blank=True)

    # Changed (to a new random value) by every write to the member's diary: the key of what is
    # cached from it (legs/diary_cache.py). Random, not a counter, so a restored backup never
    # meets entries cached under the same value before the restore.
    diary_stamp = models.CharField(max_length=16, default=new_diary_stamp, editable=False)

    objects = MemberManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args, **kwargs) -> None:
        self.username_key = fold(self.username)
        self.email_key = fold(self.email)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "username_key", "email_key"}
        elif not self._state.adding and not kwargs.get("force_insert"):
            # A profile saved from an instance read before a diary write must not put the old
            # stamp back (the cache would serve the diary as it was): only the writes of
            # legs/diary_cache.py set it.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "diary_stamp"
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        # Shown beside comments and in emails, so one line with single spaces, as a visitor's
        # comment name is: a line break could forge a second line under the name.
        self.display_name = " ".join(self.display_name.split())

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_moderator(self) -> bool:
        return self.is_staff and (
            self.is_superuser or self.groups.filter(name="Moderators").exists()
        )


class PendingSignUpQuerySet(models.QuerySet):
    def live(self) -> PendingSignUpQuerySet:
        return self.filter(expires__gt=timezone.now())

    def by_token(self, token: str) -> PendingSignUp | None:
        return self.live().filter(token_hash=PendingSignUp.hash_token(token)).first()


class PendingSignUp(models.Model):
    """A sign-up waiting for its address to be confirmed: the account is made only when the link
    mailed to the address is followed, so the sign-up page can answer every address alike and
    never say which ones have an account. Only the token's hash and the password's hash are kept.
    """

    CONFIRM_WITHIN = timedelta(days=2)

    username = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    password = models.CharField(max_length=128)
    time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE)
    next_url = models.CharField(max_length=2000, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(db_index=True)

    objects = PendingSignUpQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(Lower("email"), name="pending_signup_email_ci")]

    def __str__(self) -> str:
        return f"{self.username} <{self.email}>"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
