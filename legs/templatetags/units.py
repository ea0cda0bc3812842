"""Distances, paces and times in the member's unit: ``{{ run.distance_km|distance:user.units }}``.

Thin filters over `legs.formats`, where every display format and the km/mi conversion live.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from accounts.models import Units
from legs import formats
from legs.diary_calendar import TotalsRow
from legs.models import Run

register = template.Library()


@register.filter
def distance(km: Decimal | float | None, unit: str = Units.KM) -> str:
    """5.0 (km) -> "5.00 km", or "3.11 mi" for a member who prefers miles."""
    return formats.distance(km, unit)


@register.filter
def pace(run: Run, unit: str = Units.KM) -> str:
    """A run's pace, "5:30 /km" or "8:51 /mi"."""
    return formats.pace(run.pace_seconds(unit), unit)


@register.filter
def hms(value: timedelta | None) -> str:
    """45:30 under an hour, 1:05:30 from an hour."""
    return formats.duration(value)


@register.filter
def plain_number(value: Decimal | float | None) -> str:
    """7.50 -> "7.5", 8.00 -> "8": hours of sleep without trailing zeros."""
    return formats.plain_number(value)


@register.filter
def machine_time(value: datetime) -> str:
    return formats.machine_time(value)


@register.simple_tag
def totals_rows(rows: list[TotalsRow]) -> SafeString:
    """The totals page's table rows, each a link to its month in the calendar: built here
    rather than in a template loop, as a five-year diary has a couple of hundred of them."""
    calendar = reverse("diary_calendar")
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}?month={}">{}</a></th>'
        '<td data-label="Distance">{}</td><td data-label="Time">{}</td>'
        '<td data-label="Runs">{}</td><td data-label="Heaviness during runs">{}</td>'
        '<td data-label="Heaviness on waking">{}</td></tr>',
        (
            (
                calendar,
                row.calendar_month.isoformat()[:7],
                row.label,
                row.distance_text,
                row.time or "–",
                row.runs,
                row.run_heaviness_text or "–",
                row.waking_heaviness_text or "–",
            )
            for row in rows
        ),
    )
