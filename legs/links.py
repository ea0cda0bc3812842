"""Links to many objects of one kind on one page, without resolving the URL for each of them.

reverse() walks the URL patterns every time: twenty rows or cards of two or three links each
made it a good part of a list page's time. The URL is resolved once per name with a stand-in
argument, which each object's own pk or slug then replaces (both are URL-safe as they are).
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = "2147483647"  # digits: valid for the int and slug converters both, and no real pk


@functools.lru_cache(maxsize=32)
def _resolved(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=[_STAND_IN], urlconf=urlconf)


def url_with(name: str, arg: int | str) -> str:
    """reverse(name, args=[arg]) for a URL whose only argument is a pk or a slug."""
    return _resolved(name, get_script_prefix(), get_urlconf()).replace(_STAND_IN, str(arg), 1)
