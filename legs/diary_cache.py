"""What the diary's pages cache per member, and the stamp that retires it.

The dashboard's charts, insights and recent entries, the totals page and the calendar's weeks
are drawn from the member's runs and check-ins alone (with their units, their time zone and
their today), so they are cached under the member's ``User.diary_stamp``, which every
write to a run or a check-in changes in the same transaction: saves and deletes one by one (the
forms, the admin, the services) through the signals connected in legs/apps.py, bulk writes
(imports, the demo seed) by calling ``bump_diary``. A member's key holds their id, so no member
is ever handed another's entry.
"""

from __future__ import annotations

from django.core.cache import cache

from accounts.models import User, new_diary_stamp

TIMEOUT = 24 * 3600  # keys hold the member's today, so yesterday's entries only wait to expire


def bump_diary(user: User) -> None:
    """Retire everything cached from `user`'s diary, for every worker (the stamp is a column)."""
    user.diary_stamp = new_diary_stamp()
    User.objects.filter(pk=user.pk).update(diary_stamp=user.diary_stamp)


def diary_written(sender, instance, origin=None, **kwargs) -> None:
    """post_save/post_delete of a run or a check-in."""
    if isinstance(origin, User):
        return  # the account is being deleted with its diary: nothing left to retire
    # The instance's own user object when it has one (the request's, for a form's save), so
    # the rest of that request already reads the new stamp.
    user = instance.user if type(instance).user.is_cached(instance) else User(pk=instance.user_id)
    bump_diary(user)


def key(part: str, user: User, *parts: object) -> str:
    return ":".join(
        str(bit)
        for bit in ("diary", part, user.pk, user.diary_stamp, user.units, user.time_zone, *parts)
    )


def get(key: str):
    return cache.get(key)


def get_many(keys: list[str]) -> dict:
    return cache.get_many(keys)


def put(key: str, value) -> None:
    cache.set(key, value, TIMEOUT)
