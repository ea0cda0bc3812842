from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower


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

    objects = MemberManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.public_name

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
