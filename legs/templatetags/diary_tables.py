"""The rows of the run and check-in lists, drawn in Python.

Twenty rows of ten cells, each with three dates and two links, were most of those pages' time
as template code (a variable lookup, a date format or a reverse() at every turn): a row is one
format_html here, its texts from `legs.formats`, and its links from one reverse() per page.
tests/legs/test_diary_tables.py compares the rows with the template they replace.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from legs import formats
from legs.links import url_with
from legs.models import CheckIn, Run

register = template.Library()

NOTES_SHOWN = 80  # characters of notes a row shows


def _not_given(text: str) -> SafeString:
    return format_html('<span class="text-body-secondary">{}</span>', text)


def actions(edit: str, delete: str, what: str) -> SafeString:
    return format_html(
        '<td class="text-nowrap card-table-actions"><a href="{}">Edit<span class="visually-hidden">'
        ' {}</span></a><span class="card-table-sep"> · </span><a href="{}">Delete<span '
        'class="visually-hidden"> {}</span></a></td>',
        edit,
        what,
        delete,
        what,
    )


def _heart_and_cadence(run: Run) -> str:
    heart = ""
    if run.avg_heart_rate:
        heart = f"{run.avg_heart_rate} bpm"
        if run.max_heart_rate:
            heart += f" (max {run.max_heart_rate})"
    cadence = f"{run.avg_cadence} steps/min" if run.avg_cadence else ""
    return " · ".join(part for part in (heart, cadence) if part)


def _pain(run: Run) -> SafeString:
    if not run.pain_location and run.pain_score is None:
        return ""
    score = f" {run.pain_score}/10" if run.pain_score is not None else ""
    return format_html(
        '<span class="badge text-bg-warning">Pain{}</span> {} ', score, run.pain_location
    )


@register.filter
def run_row(run: Run, unit: str) -> SafeString:
    """One run as a row of the run list, its distance and pace in the member's unit."""
    what = f"run of {formats.day(run.date, weekday=False)}"
    return format_html(
        '<tr><th scope="row">{}</th><td data-label="Distance">{}</td>'
        '<td data-label="Moving time">{}</td><td data-label="Pace">{}</td>'
        '<td data-label="Kind">{}</td><td data-label="Effort (RPE)">{}</td>'
        '<td data-label="Heaviness">{}</td>'
        '<td class="small" data-label="Heart rate · cadence">{}</td>'
        '<td class="small card-table-wide" data-label="Notes">{}{}</td>{}</tr>',
        formats.day(run.date),
        formats.distance(run.distance_km, unit),
        formats.duration(run.duration),
        formats.pace(run.pace_seconds(unit), unit),
        run.get_kind_display(),
        run.get_rpe_display() if run.rpe is not None else _not_given("not rated"),
        f"{run.leg_heaviness}/10" if run.leg_heaviness is not None else _not_given("not noted"),
        _heart_and_cadence(run),
        _pain(run),
        Truncator(run.notes).chars(NOTES_SHOWN),
        actions(url_with("run_edit", run.pk), url_with("run_delete", run.pk), what),
    )


@register.filter
def checkin_row(checkin: CheckIn) -> SafeString:
    """One check-in as a row of the check-in list."""
    what = f"check-in of {formats.day(checkin.date, weekday=False)}"
    return format_html(
        '<tr><th scope="row">{}</th><td data-label="Sleep">{} h</td>'
        '<td data-label="Heaviness on waking">{}/10</td>'
        '<td data-label="Soreness · fatigue · stress">{} · {} · {}</td>'
        '<td data-label="Rest day">{}</td><td data-label="Recovery">{}</td>'
        '<td class="small card-table-wide" data-label="Notes">{}</td>{}</tr>',
        formats.day(checkin.date),
        formats.plain_number(checkin.sleep_hours),
        checkin.leg_heaviness,
        checkin.soreness,
        checkin.fatigue,
        checkin.stress,
        "Yes" if checkin.rest_day else "No",
        ", ".join(checkin.get_recovery_actions_display()),
        Truncator(checkin.notes).chars(NOTES_SHOWN),
        actions(url_with("checkin_edit", checkin.pk), url_with("checkin_delete", checkin.pk), what),
    )
