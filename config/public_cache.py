"""Whole-page caching of public pages for visitors, with conditional GET.

A page is served from the cache only to a visitor who is not logged in and has no message
waiting: members always get a freshly rendered page, so nothing of theirs is ever cached or
shared. A visitor with a session gets a fresh page too, unless the view says what of the session
its page shows (`visitor_state`): then the copy is cached under that state, so it is shared only
with visitors in exactly the same state (the same troubleshooter answers, say) and holds nothing
else of theirs. The CSRF tokens in a cached page are swapped for the visitor's own on every hit.
Any change to public content bumps one version number, which retires every cached page at once;
a short timeout bounds staleness from writes that bypass `save()` (and, with the local-memory
cache, from a bump made in another worker process).

Pages live in the `pages` cache alias, bounded and apart from the rate-limit counters and the
sessions, so a flood of pages evicts only pages. A copy is keyed on the path and the query
parameters its view reads (`reads`), nothing else: a request carrying any other parameter is
served fresh and not stored, so `?flood=<n>` cannot fill the cache with copies of one page.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.crypto import salted_hmac

from config.htmx import wants_fragment

VERSION_KEY = "public-pages:version"
TIMEOUT = 300
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}(")')
_SENTINEL = b"\x00csrf\x00"
_KEPT_HEADERS = ("Content-Type", "Vary", "HX-Push-Url")


# Form fields whose value must be made for each visitor (from their request), as the CSRF
# token is: a cached page gets a fresh value on every hit. Apps register theirs in ready() (legs:
# the comment form's time-trap, which would otherwise pass every bot served a page cached
# seconds ago).
FRESH_FIELDS: dict[str, Callable[[HttpRequest], str]] = {}


def _fresh_field(name: str) -> re.Pattern[bytes]:
    return re.compile(rb'(name="' + re.escape(name).encode() + rb'" value=")[^"]*(")')


def _fresh_sentinel(name: str) -> bytes:
    return b"\x00fresh:" + name.encode() + b"\x00"


def _pages():
    return caches["pages"]


def bump_public_version(**kwargs) -> None:
    """Retire every cached public page (connected to saves of public content)."""
    try:
        _pages().incr(VERSION_KEY)
    except ValueError:
        _pages().set(VERSION_KEY, 1, timeout=None)


def _etag(digest: str, request: HttpRequest) -> str:
    """The page's digest (tokens blanked) and a hash of the visitor's CSRF secret.

    A browser whose secret changed (log-in rotates it) then never revalidates to a copy holding
    its old token, which the next form it sends would fail with "Form expired".
    """
    secret = request.META.get("CSRF_COOKIE", "")
    return f'"{digest}-{salted_hmac("config.public_cache.etag", secret).hexdigest()[:16]}"'


VisitorState = Callable[[HttpRequest], object]


def _cacheable(request: HttpRequest, visitor_state: VisitorState | None) -> bool:
    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES and (
        # Messages that did not fit in their cookie wait in the session.
        visitor_state is None or SessionStorage.session_key in request.session
    ):
        return False
    return not request.user.is_authenticated


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only plain successful pages that set no cookie but the CSRF one, are not private, and
    left the visitor's session and messages as they were."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
        and "private" not in response.get("Cache-Control", "")
        and "no-cache" not in response.get("Cache-Control", "")
        and not (session is not None and session.modified)
        and not len(get_messages(request))
    )


def _key(
    request: HttpRequest, version: int, visitor_state: VisitorState | None, reads: tuple[str, ...]
) -> str | None:
    """The copy's key, or None when the request has a parameter its view does not read."""
    if not set(request.GET).issubset(reads):
        return None
    # An htmx history restore sends HX-Request too, but needs the whole page.
    fragment = "htmx" if wants_fragment(request) else "page"
    params = [(name, request.GET.getlist(name)) for name in reads if name in request.GET]
    # A visitor without a session is in the state of an empty one.
    state = visitor_state(request) if visitor_state else None
    key = json.dumps([request.path, params, state], sort_keys=True)
    return f"public-pages:{version}:{fragment}:{hashlib.sha256(key.encode()).hexdigest()}"


def cache_public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    visitor_state: VisitorState | None = None,
    reads: tuple[str, ...] = (),
) -> Callable[..., HttpResponse]:
    """Serve the view's page to visitors from the cache (see the module's docstring).

    `@cache_public_page` for pages that show nothing of a visitor's session and read no query
    parameter; `reads=("q", ...)` names the parameters the view reads;
    `visitor_state=f` for pages that show a visitor nothing of their session but `f(request)`
    (JSON-serialisable): the copy is cached under that value.
    """
    if view is None:
        return lambda view: _cached(view, visitor_state, reads)
    return _cached(view, visitor_state, reads)


def _cached(
    view: Callable[..., HttpResponse], visitor_state: VisitorState | None, reads: tuple[str, ...]
) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request, visitor_state):
            return view(request, *args, **kwargs)
        version = _pages().get_or_set(VERSION_KEY, 1, timeout=None)
        key = _key(request, version, visitor_state, reads)
        if key is None:
            return view(request, *args, **kwargs)
        cached = _pages().get(key)
        if cached is None:
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            body = _TOKEN.sub(rb"\1" + _SENTINEL + rb"\2", response.content)
            for name in FRESH_FIELDS:
                body = _fresh_field(name).sub(rb"\1" + _fresh_sentinel(name) + rb"\2", body)
            digest = hashlib.sha256(body).hexdigest()[:32]
            headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
            _pages().set(key, (body, digest, headers), timeout=TIMEOUT)
            response["ETag"] = _etag(digest, request)
            return response
        body, digest, headers = cached
        token = get_token(request)  # first, so a first visit's ETag holds its new secret
        etag = _etag(digest, request)
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        body = body.replace(_SENTINEL, token.encode())
        for name, make in FRESH_FIELDS.items():
            # Made only for a page that holds the field: making one signs a token.
            sentinel = _fresh_sentinel(name)
            if sentinel in body:
                body = body.replace(sentinel, make(request).encode())
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        response["ETag"] = etag
        patch_vary_headers(response, ["Cookie"])
        return response

    # Lets the test suite find every cached view through the URL resolver (functools.wraps
    # carries the mark out through the outer decorators).
    wrapped.public_page_cache = True
    return wrapped
