"""One helper for the "one URL, two renderings" rule of every HTMX view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request: HttpRequest) -> bool:
    """True for an HTMX request, except history restores, which need the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str,
    status: int = 200,
) -> HttpResponse:
    """Render the full page, or only `template_name#fragment` for HTMX; say so in Vary."""
    name = f"{template_name}#{fragment}" if wants_fragment(request) else template_name
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
