"""Site-wide response rules: the Content-Security-Policy, members' pages kept out of caches,
and the HTMX traps handled once."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from config.views import database_unavailable

logger = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """No inline script, no eval, nothing from another origin: the site serves all it runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class PrivateCacheControlMiddleware:
    """`Cache-Control: private, no-store` on every answer to a logged-in member.

    Their pages (the diary, the profile with its email, saved tips) must not come back from the
    browser's history or a shared cache after log-out on a shared computer; public pages drawn
    for them carry their name too. A view that sets its own Cache-Control keeps it; visitors'
    answers are left to the public page cache. Error pages from an unreachable database are left
    alone: they show nothing of the member, and asking who is logged in would need the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control") or response.status_code >= 500:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class HtmxLoginRedirectMiddleware:
    """Send an HTMX request that needs a log-in to the log-in page (HX-Redirect).

    Otherwise htmx would follow the redirect and swap the whole log-in page into the
    fragment's target.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.htmx:
            return response
        login_url = resolve_url(settings.LOGIN_URL)
        if response.status_code == 302 and response["Location"].startswith(login_url):
            return HttpResponseClientRedirect(response["Location"])
        return response


class HtmxMessagesMiddleware:
    """Append the messages added during an HTMX request as an out-of-band swap.

    Otherwise they would wait for the next full page; they go into the page's messages region.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.htmx
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and "HX-Redirect" not in response
        ):
            storage = get_messages(request)
            if len(storage):
                response.write(
                    render_to_string("includes/messages.html", {"messages": storage, "oob": True})
                )
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with the site's own page while the database is unreachable.

    The request failed before any write could commit, so the visitor is told to retry; the
    page renders without the database, and the next request tries a fresh connection. A failure
    in a middleware after the view (the session being saved) reaches `server_error`, which
    answers the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        return database_unavailable()
