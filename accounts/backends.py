from __future__ import annotations

import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def fold(text: str) -> str:
    """An identity as log-in compares it: NFKC, then Unicode case folding, in Python, so it is
    the same on every database (PostgreSQL's UPPER() turns a dotless "ı" into "I", SQLite's
    folds ASCII only)."""
    return unicodedata.normalize("NFKC", text).casefold()


def find_member(identity: str):
    """The account a typed identity names, or None: an email address when it holds "@" (no
    username does), else a username. The database narrows by case-insensitive match; Python
    keeps only the account whose identity folds to the same text."""
    User = get_user_model()
    typed = unicodedata.normalize("NFKC", identity.strip())
    field = "email" if "@" in typed else "username"
    wanted = fold(typed)
    candidates = User.objects.filter(**{f"{field}__iexact": typed})
    return next((user for user in candidates if fold(getattr(user, field)) == wanted), None)


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
