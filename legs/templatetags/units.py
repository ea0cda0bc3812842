"""Distances, paces and times in the member's unit: ``{{ run.distance_km|distance:user.units }}``.

Thin filters over `legs.formats`, where every display format and the km/mi conversion live, and
the two long lists of them, the totals' rows and the calendar's days, drawn with format_html.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from accounts.models import Units
from legs import formats
from legs.diary_calendar import Day, TotalsRow
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


def _day_run(item, unit: str) -> tuple[str, str, SafeString, str]:
    run = item.run
    rated = SafeString("")
    if run.leg_heaviness is not None:
        rated = format_html(' <span class="run-heaviness">{}/10</span>', run.leg_heaviness)
    return item.band.css, formats.distance(run.distance_km, unit), rated, item.band.words


def _day_entries(day: Day, unit: str) -> SafeString:
    """The runs and check-in listed inside an open day."""
    runs = format_html_join(
        "",
        '<li><a href="{}">Run: {} in {}</a>, {}, {}</li>',
        (
            (
                reverse("run_edit", args=[item.run.pk]),
                formats.distance(item.run.distance_km, unit),
                formats.duration(item.run.duration),
                item.run.get_kind_display().lower(),
                f"legs {item.band.words} ({item.run.leg_heaviness}/10)"
                if item.run.leg_heaviness is not None
                else item.band.words,
            )
            for item in day.runs
        ),
    )
    checkin = SafeString("")
    if day.checkin:
        checkin = format_html(
            '<li><a href="{}">Check-in</a>: slept {} h, {}/10 on waking{}</li>',
            reverse("checkin_edit", args=[day.checkin.pk]),
            formats.plain_number(day.checkin.sleep_hours),
            day.checkin.leg_heaviness,
            ", rest day" if day.checkin.rest_day else "",
        )
    return format_html('<ul class="list-unstyled mb-1">{}{}</ul>', runs, checkin)


def _calendar_day(day: Day, unit: str, links: tuple[str, str]) -> SafeString:
    iso = day.date.isoformat()
    classes = "calendar-day" + "".join(
        f" {name}"
        for name, on in (
            ("is-outside", not day.in_month),
            ("is-today", day.is_today),
            ("is-empty", day.is_empty),
        )
        if on
    )
    name, number = f"{day.date:%a}", day.date.day
    month_year = f"{day.date:%B %Y}"
    if day.is_future:
        return format_html(
            '<li id="day-{}" class="{}"><span class="day-date"><span class="day-name">{}</span> '
            '{}<span class="visually-hidden"> {}, still to come</span></span></li>',
            iso,
            classes,
            name,
            number,
            month_year,
        )
    add_run, check_in = links
    day_month = f"{number} {day.date:%B}"
    return format_html(
        '<li id="day-{iso}" class="{classes}"><details class="day-details"><summary>'
        '<span class="day-date"><span class="day-name">{name}</span> {number}'
        '<span class="visually-hidden"> {month_year}</span>{today}</span>{runs}{checkin}'
        '</summary><div class="day-entries"><p class="fw-semibold mb-1">{long_date}</p>'
        '{entries}<p class="day-actions mb-0"><a href="{add_run}?date={iso}">Add a run'
        '<span class="visually-hidden"> on {day_month}</span></a>{check_in}</p></div>'
        "</details></li>",
        iso=iso,
        classes=classes,
        name=name,
        number=number,
        month_year=month_year,
        today=format_html(' <span class="today-mark">{}</span>', "today") if day.is_today else "",
        runs=format_html_join(
            "",
            '<span class="day-run heaviness-{}">{}{}<span class="visually-hidden">, legs {};'
            "</span></span>",
            (_day_run(item, unit) for item in day.runs),
        ),
        checkin=format_html(
            '<span class="day-checkin"><span aria-hidden="true">{}</span> check-in</span>', "\u2713"
        )
        if day.checkin
        else "",
        long_date=f"{day.date:%A} {number} {month_year}",
        entries=_day_entries(day, unit) if not day.is_empty else "",
        add_run=add_run,
        day_month=day_month,
        check_in=""
        if day.checkin
        else format_html(
            ' · <a href="{}?date={}">Check in<span class="visually-hidden"> for {}</span></a>',
            check_in,
            iso,
            day_month,
        ),
    )


@register.simple_tag
def calendar_days(days: list[Day], unit: str) -> SafeString:
    """A calendar week's days, each opening on its entries and the links to add to it: built
    here rather than in a template loop, as a month has 42 of them."""
    links = (reverse("run_create"), reverse("checkin_create"))
    return format_html_join("\n", "{}", ((_calendar_day(day, unit, links),) for day in days))
