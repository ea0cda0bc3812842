from __future__ import annotations

import logging
import sys

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy.html")


@require_safe
def admin_view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's "view on site" link, in place of Django's, which any staff user could
    follow to any object of any model: a redirect told a member's checklist run that exists
    from one that does not, and an unpublished tip's slug.

    404 unless the user may view the model in the admin and a visitor can see the object
    (its `is_on_site`; a model without one is never on the site).
    """
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    try:
        model_admin = admin.site.get_model_admin(content_type.model_class())
    except NotRegistered:
        raise Http404 from None
    if not model_admin.has_view_or_change_permission(request):
        raise Http404
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not getattr(obj, "is_on_site", False):
        raise Http404
    return redirect(obj.get_absolute_url())


def _error_page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    context = {"status": status, "title": title, "text": text}
    return render(request, "error.html", context, status=status)


def database_unreachable(exception: BaseException | None) -> bool:
    """Whether an unreachable database is behind this exception, however it was re-raised on
    the way (the session middleware turns a session it cannot save into a 400)."""
    while exception is not None:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if database_unreachable(exception):
        return database_unavailable()
    return _error_page(request, 400, "Bad request", "We could not understand that request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request, 403, "Not allowed", "You do not have permission to see or change this."
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        404,
        "Page not found",
        "We could not find that page. It may have moved, or the link may be mistyped.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while it handles the exception. A database that stops answering after
    # the view (the session middleware saving the session) is the same outage as one in a view
    # (DatabaseUnavailableMiddleware), and gets the same 503.
    if database_unreachable(sys.exc_info()[1]):
        return database_unavailable()
    return plain_error_page(
        500,
        "Something went wrong on our side",
        "We have been told about it. Please try again in a minute; "
        "nothing you entered is half-saved.",
    )


def plain_error_page(status: int, title: str, text: str) -> HttpResponse:
    """An error page that needs neither the database nor context processors."""
    html = get_template("plain_error.html").render({"status": status, "title": title, "text": text})
    return HttpResponse(html, status=status)


def database_unavailable() -> HttpResponse:
    """503 with the site's page while the database is unreachable.

    A write can commit just before the database goes, so the page asks to check before
    sending again rather than promising nothing was saved.
    """
    response = plain_error_page(
        503,
        "We are down for a moment",
        "Our database is not answering just now. Please try again in a minute. If you were "
        "saving something, look for it before sending it again: nothing is ever half-saved, "
        "but it may have been saved just before we lost the database.",
    )
    response["Retry-After"] = "30"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(
        request,
        403,
        "Form expired",
        "Your form could not be accepted because its security token was missing or out of "
        "date. Go back, reload the page and try again.",
    )
