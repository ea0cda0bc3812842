"""Distances, paces and times in the member's unit: ``{{ run.distance_km|distance:user.units }}``.

Distances are stored in kilometres; these filters are the one place that converts them for
display, so every page and chart shows the member's unit the same way.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import template

from accounts.models import Units
from legs.models.diary import km_to

register = template.Library()


@register.filter
def distance(km: Decimal | float | None, unit: str = Units.KM) -> str:
    """5.0 (km) -> "5.00 km", or "3.11 mi" for a member who prefers miles."""
    if km is None:
        return ""
    return f"{km_to(km, unit):.2f} {unit}"


@register.filter
def distance_number(km: Decimal | float | None, unit: str = Units.KM) -> str:
    """The number alone, one decimal, for tables and chart labels."""
    if km is None:
        return ""
    return f"{km_to(km, unit):.1f}"


@register.filter
def pace(run: object, unit: str = Units.KM) -> str:
    """A run's pace, "5:30 /km" or "8:51 /mi"."""
    seconds = run.pace_seconds(unit)
    if seconds is None:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d} /{unit}"


@register.filter
def hms(value: timedelta | None) -> str:
    """45:30 under an hour, 1:05:30 from an hour."""
    if value is None:
        return ""
    hours, rest = divmod(round(value.total_seconds()), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


@register.filter
def plain_number(value: Decimal | float | None) -> str:
    """7.50 -> "7.5", 8.00 -> "8": hours of sleep without trailing zeros."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")
