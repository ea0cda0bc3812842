from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .models import fold


def find_member(identity: str):
    """The account a typed identity names, or None: an email address when it holds "@" (no
    username does), else a username, compared folded (`fold`) through the keys each account
    keeps, so the same text finds the same account on every database."""
    field = "email_key" if "@" in identity else "username_key"
    return get_user_model().objects.filter(**{field: fold(identity)}).order_by("pk").first()


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or the email address, either in any case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_member(username)
        if user is None:
            # Spend the same time as a real check so timing does not reveal unknown accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
