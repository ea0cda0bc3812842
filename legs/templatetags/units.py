"""Distances, paces and times in the member's unit: ``{{ run.distance_km|distance:user.units }}``.

Thin filters over `legs.formats`, where every display format and the km/mi conversion live.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import template

from accounts.models import Units
from legs import formats
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
