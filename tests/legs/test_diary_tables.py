"""The run and check-in list rows drawn in Python (legs/templatetags/diary_tables.py) are the
rows the templates drew: the same cells, texts, links and escaping."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse

from legs.links import url_with
from legs.templatetags.diary_tables import checkin_row, run_row
from tests.factories import CheckInFactory, RunFactory

pytestmark = pytest.mark.django_db

EVIL = '"><script>alert(1)</script>'

# The rows as the templates drew them before.
RUN = (
    "<tr>"
    '<th scope="row">{{ run.date|date:"D j M Y" }}</th>'
    '<td data-label="Distance">{{ run.distance_km|distance:user.units }}</td>'
    '<td data-label="Moving time">{{ run.duration|hms }}</td>'
    '<td data-label="Pace">{{ run|pace:user.units }}</td>'
    '<td data-label="Kind">{{ run.get_kind_display }}</td>'
    '<td data-label="Effort (RPE)">{% if run.rpe is not None %}{{ run.get_rpe_display'
    ' }}{% else %}<span class="text-body-secondary">not rated</span>{% endif %}</td>'
    '<td data-label="Heaviness">{% if run.leg_heaviness is not None %}{{ run.leg_heav'
    'iness }}/10{% else %}<span class="text-body-secondary">not noted</span>{% endif '
    "%}</td>"
    '<td class="small" data-label="Heart rate · cadence">{% if run.avg_heart_rate %}{'
    "{ run.avg_heart_rate }} bpm{% if run.max_heart_rate %} (max {{ run.max_heart_rat"
    "e }}){% endif %}{% endif %}{% if run.avg_heart_rate and run.avg_cadence %} · {% "
    "endif %}{% if run.avg_cadence %}{{ run.avg_cadence }} steps/min{% endif %}</td>"
    '<td class="small card-table-wide" data-label="Notes">{% if run.pain_location or '
    'run.pain_score is not None %}<span class="badge text-bg-warning">Pain{% if run.p'
    "ain_score is not None %} {{ run.pain_score }}/10{% endif %}</span> {{ run.pain_l"
    "ocation }} {% endif %}{{ run.notes|truncatechars:80 }}</td>"
    '<td class="text-nowrap card-table-actions"><a href="{% url \'run_edit\' run.pk %}"'
    '>Edit<span class="visually-hidden"> run of {{ run.date|date:"j M Y" }}</span></a'
    '><span class="card-table-sep"> · </span><a href="{% url \'run_delete\' run.pk %}">'
    'Delete<span class="visually-hidden"> run of {{ run.date|date:"j M Y" }}</span></'
    "a></td>"
    "</tr>"
)
CHECKIN = (
    "<tr>"
    '<th scope="row">{{ checkin.date|date:"D j M Y" }}</th>'
    '<td data-label="Sleep">{{ checkin.sleep_hours|plain_number }} h</td>'
    '<td data-label="Heaviness on waking">{{ checkin.leg_heaviness }}/10</td>'
    '<td data-label="Soreness · fatigue · stress">{{ checkin.soreness }} · {{ checkin'
    ".fatigue }} · {{ checkin.stress }}</td>"
    '<td data-label="Rest day">{{ checkin.rest_day|yesno:"Yes,No" }}</td>'
    '<td data-label="Recovery">{{ checkin.get_recovery_actions_display|join:", " }}</'
    "td>"
    '<td class="small card-table-wide" data-label="Notes">{{ checkin.notes|truncatech'
    "ars:80 }}</td>"
    '<td class="text-nowrap card-table-actions"><a href="{% url \'checkin_edit\' checki'
    'n.pk %}">Edit<span class="visually-hidden"> check-in of {{ checkin.date|date:"j '
    'M Y" }}</span></a><span class="card-table-sep"> · </span><a href="{% url \'checki'
    'n_delete\' checkin.pk %}">Delete<span class="visually-hidden"> check-in of {{ che'
    'ckin.date|date:"j M Y" }}</span></a></td>'
    "</tr>"
)
RUN_ROW = Template("{% load units %}" + RUN)
CHECKIN_ROW = Template("{% load units %}" + CHECKIN)


def runs(member):
    long_notes = "Legs heavy after the hills, " * 5 + EVIL
    return [
        RunFactory(user=member),
        RunFactory(
            user=member,
            date=datetime.date(2025, 2, 3),
            distance_km=Decimal("42.195"),
            duration=datetime.timedelta(hours=3, minutes=5, seconds=9),
            kind="long",
            rpe=None,
            leg_heaviness=None,
            avg_heart_rate=151,
            max_heart_rate=178,
            avg_cadence=172,
            pain_location=EVIL,
            pain_score=4,
            notes=long_notes,
        ),
        RunFactory(user=member, avg_cadence=180, pain_score=0, notes=EVIL),
        RunFactory(user=member, avg_heart_rate=140, pain_location="left calf", leg_heaviness=0),
    ]


@pytest.mark.parametrize("unit", ["km", "mi"])
def test_a_run_row_is_the_template_row(member, unit):
    member.units = unit
    for run in runs(member):
        expected = RUN_ROW.render(Context({"run": run, "user": member}))
        assert parse_html(run_row(run, unit)) == parse_html(expected)
        assert "<script>" not in run_row(run, unit)


def test_a_checkin_row_is_the_template_row(member):
    checkins = [
        CheckInFactory(user=member),
        CheckInFactory(
            user=member,
            date=datetime.date(2025, 12, 25),
            sleep_hours=Decimal("8.00"),
            rest_day=True,
            recovery_actions=["foam_rolling", "elevation", EVIL],
            notes=EVIL * 5,
        ),
    ]
    for checkin in checkins:
        expected = CHECKIN_ROW.render(Context({"checkin": checkin}))
        assert parse_html(checkin_row(checkin)) == parse_html(expected)
        assert "<script>" not in checkin_row(checkin)


def test_url_with_is_reverse():
    for pk in (1, 7, 2_147_483_646):
        assert url_with("run_edit", pk) == reverse("run_edit", args=[pk])
        assert url_with("checkin_delete", pk) == reverse("checkin_delete", args=[pk])
    for slug in ("calf-raises", "2147483647", "a_b-9"):
        assert url_with("tip_detail", slug) == reverse("tip_detail", args=[slug])
