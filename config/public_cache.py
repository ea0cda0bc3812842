"""Whole-page caching of public pages for first-time visitors, with conditional GET.

A page is served from the cache only to a visitor who is not logged in and has no session or
message cookie: members and visitors with their own state (pending comments, checklist
progress, a flash message) always get a freshly rendered page, so nothing personal is ever
cached or shared. The CSRF tokens in a cached page are swapped for the visitor's own on every
hit. Any change to public content bumps one version number, which retires every cached page
at once; a short timeout bounds staleness from writes that bypass `save()`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_vary_headers

VERSION_KEY = "public-pages:version"
TIMEOUT = 300
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}(")')
_SENTINEL = b"\x00csrf\x00"
_KEPT_HEADERS = ("Content-Type", "Vary", "HX-Push-Url")


# Form fields whose value must be made for each visitor, as the CSRF token is: a cached page
# gets a fresh value on every hit. Apps register theirs in ready() (legs: the comment form's
# time-trap, which would otherwise pass every bot served a page cached seconds ago).
FRESH_FIELDS: dict[str, Callable[[], str]] = {}


def _fresh_field(name: str) -> re.Pattern[bytes]:
    return re.compile(rb'(name="' + re.escape(name).encode() + rb'" value=")[^"]*(")')


def _fresh_sentinel(name: str) -> bytes:
    return b"\x00fresh:" + name.encode() + b"\x00"


def bump_public_version(**kwargs) -> None:
    """Retire every cached public page (connected to saves of public content)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _storable(response: HttpResponse) -> bool:
    """Only plain successful pages that set no cookie but the CSRF one and are not private."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
        and "private" not in response.get("Cache-Control", "")
        and "no-cache" not in response.get("Cache-Control", "")
    )


def _key(request: HttpRequest, version: int) -> str:
    fragment = "htmx" if request.headers.get("HX-Request") else "page"
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-pages:{version}:{fragment}:{digest}"


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
        key = _key(request, version)
        cached = cache.get(key)
        if cached is None:
            response = view(request, *args, **kwargs)
            if not _storable(response):
                return response
            body = _TOKEN.sub(rb"\1" + _SENTINEL + rb"\2", response.content)
            for name in FRESH_FIELDS:
                body = _fresh_field(name).sub(rb"\1" + _fresh_sentinel(name) + rb"\2", body)
            etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
            headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
            cache.set(key, (body, etag, headers), timeout=TIMEOUT)
            response["ETag"] = etag
            return response
        body, etag, headers = cached
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        body = body.replace(_SENTINEL, get_token(request).encode())
        for name, make in FRESH_FIELDS.items():
            body = body.replace(_fresh_sentinel(name), make().encode())
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        response["ETag"] = etag
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped
