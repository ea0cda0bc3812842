"""The dashboard's insights: ``{% with focus=insights|this_week %}``."""

from __future__ import annotations

from typing import Any

from django import template

from legs import insights

register = template.Library()


@register.filter
def this_week(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Of the dashboard's insight items (an insight and its tip's title), the one to try this
    week (`legs.insights.this_week`)."""
    focus = insights.this_week([item["insight"] for item in items])
    return next((item for item in items if item["insight"] is focus), None)
