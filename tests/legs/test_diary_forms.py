"""Bad input on the run and check-in forms: a clear error beside the field, the other fields
kept, nothing saved. And the one-check-in-a-day rule, in the member's time zone."""

from __future__ import annotations

import datetime
import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from legs.models import CheckIn, Run
from legs.models.diary import CheckInQuerySet, member_today
from tests.factories import CheckInFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Felt strong on the hills"


def good_run(member) -> dict[str, str]:
    return {
        "date": (member_today(member) - timedelta(days=1)).isoformat(),
        "distance_km": "12.5",
        "duration": "1:05:30",
        "kind": "tempo",
        "surface": "trail",
        "rpe": "6",
        "leg_heaviness": "4",
        "warm_up_minutes": "10",
        "cool_down_minutes": "5",
        "stretched_after": "on",
        "water_ml": "500",
        "pain_location": "",
        "pain_score": "",
        "notes": NOTE,
    }


def good_checkin(member) -> dict[str, object]:
    return {
        "date": member_today(member).isoformat(),
        "sleep_hours": "7.5",
        "leg_heaviness": "3",
        "soreness": "2",
        "fatigue": "3",
        "stress": "4",
        "recovery_actions": ["stretching", "foam_rolling"],
        "iron_rich_meals": "2",
        "notes": NOTE,
    }


def error_beside(page: str, field: str) -> str:
    """The error text crispy renders inside the field's own block."""
    block = re.search(rf'<div id="div_id_{field}".*?(?=<div id="div_id_|</form>)', page, re.S)
    assert block, f"no block for {field}"
    errors = re.findall(rf'id="error_\d+_id_{field}"><strong>(.*?)</strong>', block.group(0), re.S)
    return html.unescape(" ".join(errors))


RUN_CASES = [
    ("distance_km", "0", "Enter a distance greater than 0."),
    ("distance_km", "-3", "Enter a distance greater than 0."),
    ("distance_km", "500.001", "Enter a distance of at most 500 km."),
    ("distance_km", "1e400", "Enter a distance of at most 500 km."),
    ("distance_km", "ten", "Enter the distance as a number"),
    ("duration", "0", "The run must last longer than zero."),
    ("duration", "0:00:00", "The run must last longer than zero."),
    ("duration", "48:00:01", "Enter at most 48 hours"),
    ("duration", "soon", "Enter the time as hh:mm:ss, mm:ss or a number of minutes"),
    ("date", "1899-12-31", "Enter a date from 1900 onwards."),
    ("date", "yesterday", "Enter a valid date."),
    ("rpe", "11", "Choose a whole number from 0 to 10."),
    ("rpe", "-1", "Choose a whole number from 0 to 10."),
    ("rpe", "hard", "Choose a whole number from 0 to 10."),
    ("leg_heaviness", "11", "Choose a whole number from 0 to 10."),
    ("leg_heaviness", "", "This field is required."),
    ("pain_score", "12", "Choose a whole number from 0 to 10."),
    ("warm_up_minutes", "ten", "Enter a whole number."),
    ("warm_up_minutes", "241", "less than or equal to 240"),
    ("cool_down_minutes", "-1", "greater than or equal to 0"),
    ("water_ml", "lots", "Enter a whole number."),
    ("water_ml", "10001", "less than or equal to 10000"),
    ("notes", "x" * 10_000, "at most 2000 characters"),
    ("pain_location", "y" * 81, "at most 80 characters"),
]


@pytest.mark.parametrize(("field", "value", "message"), RUN_CASES)
def test_bad_run_input_gets_an_error_beside_the_field_keeps_the_rest_and_saves_nothing(
    member_client, member, field, value, message
) -> None:
    data = good_run(member) | {field: value}
    response = member_client.post(reverse("run_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in error_beside(page, field)
    assert not Run.objects.exists()
    if field != "notes":
        assert NOTE in page
    if field != "distance_km":
        assert 'value="12.5"' in page


def test_a_run_dated_tomorrow_in_the_members_time_zone_is_refused(member_client, member) -> None:
    tomorrow = member_today(member) + timedelta(days=1)
    data = good_run(member) | {"date": tomorrow.isoformat()}
    page = member_client.post(reverse("run_create"), data).content.decode()
    assert "That date is in the future" in error_beside(page, "date")
    assert not Run.objects.exists()


def test_the_mile_limit_is_500_km_written_in_miles(client) -> None:
    member = UserFactory(units="mi")
    client.force_login(member)
    page = client.post(
        reverse("run_create"), good_run(member) | {"distance_km": "310.8"}
    ).content.decode()
    assert "Enter a distance of at most 310.7 mi (500 km)." in error_beside(page, "distance_km")
    response = client.post(reverse("run_create"), good_run(member) | {"distance_km": "310.6"})
    assert response.status_code == 302
    assert Run.objects.get().distance_km == Decimal("499.8622464")


def test_a_good_run_is_saved_for_its_owner(member_client, member) -> None:
    response = member_client.post(reverse("run_create"), good_run(member))
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.user == member
    assert (run.kind, run.surface, run.rpe, run.stretched_after) == ("tempo", "trail", 6, True)
    assert run.duration == timedelta(hours=1, minutes=5, seconds=30)


CHECKIN_CASES = [
    ("sleep_hours", "25", "Enter at most 24 hours of sleep."),
    ("sleep_hours", "-1", "Hours of sleep cannot be negative."),
    ("sleep_hours", "lots", "Enter the hours as a number"),
    ("leg_heaviness", "11", "Choose a whole number from 0 to 10."),
    ("soreness", "0", "Choose a whole number from 1 to 7."),
    ("fatigue", "8", "Choose a whole number from 1 to 7."),
    ("stress", "x", "Choose a whole number from 1 to 7."),
    ("iron_rich_meals", "two", "Enter a whole number of meals"),
    ("iron_rich_meals", "11", "less than or equal to 10"),
    ("recovery_actions", ["stretching", "dancing"], "dancing is not one of the recovery actions"),
    ("date", "1800-01-01", "Enter a date from 1900 onwards."),
    ("notes", "z" * 10_000, "at most 2000 characters"),
]


@pytest.mark.parametrize(("field", "value", "message"), CHECKIN_CASES)
def test_bad_checkin_input_gets_an_error_beside_the_field_keeps_the_rest_and_saves_nothing(
    member_client, member, field, value, message
) -> None:
    data = good_checkin(member) | {field: value}
    response = member_client.post(reverse("checkin_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in error_beside(page, field)
    assert not CheckIn.objects.exists()
    if field != "notes":
        assert NOTE in page
    if field != "sleep_hours":
        assert 'value="7.5"' in page


def test_a_second_checkin_for_the_same_day_edits_the_first(member_client, member) -> None:
    first = CheckInFactory(user=member, date=member_today(member), sleep_hours=6, rest_day=False)
    response = member_client.post(
        reverse("checkin_create"), good_checkin(member) | {"rest_day": "on"}
    )
    assert response.status_code == 302
    assert CheckIn.objects.count() == 1
    first.refresh_from_db()
    assert first.sleep_hours == 7.5
    assert first.rest_day is True
    assert first.recovery_actions == ["stretching", "foam_rolling"]
    page = member_client.get(reverse("diary")).content.decode()
    assert "You already had a check-in for" in html.unescape(page)


def test_the_checkin_form_opens_on_todays_checkin_when_there_is_one(member_client, member) -> None:
    CheckInFactory(user=member, date=member_today(member), sleep_hours=6)
    page = member_client.get(reverse("checkin_create")).content.decode()
    assert "You have already checked in today" in page
    assert 'value="6.00"' in page or 'value="6"' in page


def test_editing_a_checkin_onto_a_day_that_has_one_is_refused(member_client, member) -> None:
    today = member_today(member)
    CheckInFactory(user=member, date=today)
    other = CheckInFactory(user=member, date=today - timedelta(days=1))
    data = good_checkin(member) | {"date": today.isoformat()}
    page = member_client.post(reverse("checkin_edit", args=[other.pk]), data).content.decode()
    assert "You already have a check-in for that day" in error_beside(page, "date")
    other.refresh_from_db()
    assert other.date == today - timedelta(days=1)


def test_a_checkin_that_loses_the_race_for_its_day_is_refused_beside_the_date(
    member_client, member, monkeypatch
) -> None:
    theirs = CheckInFactory(user=member, date=member_today(member), sleep_hours=6)
    # Another request saved the day between this one's look-up and its write.
    monkeypatch.setattr(CheckInQuerySet, "for_user", lambda self, user: self.none())
    page = member_client.post(reverse("checkin_create"), good_checkin(member)).content.decode()
    assert "saved a moment ago" in error_beside(page, "date")
    theirs.refresh_from_db()
    assert theirs.sleep_hours == 6


def test_recovery_actions_are_stored_in_list_order(member_client, member) -> None:
    data = good_checkin(member) | {"recovery_actions": ["herbal_gel", "stretching", "ice"]}
    assert member_client.post(reverse("checkin_create"), data).status_code == 302
    assert CheckIn.objects.get().recovery_actions == ["stretching", "ice", "herbal_gel"]


def test_another_members_checkin_on_the_same_day_is_not_touched(
    member_client, member, other_member
) -> None:
    theirs = CheckInFactory(user=other_member, date=member_today(member), sleep_hours=5)
    assert member_client.post(reverse("checkin_create"), good_checkin(member)).status_code == 302
    theirs.refresh_from_db()
    assert theirs.sleep_hours == 5
    assert CheckIn.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(("zone", "allowed"), [("Asia/Tokyo", True), ("America/New_York", False)])
def test_today_is_the_members_own_date(client, monkeypatch, zone, allowed) -> None:
    # 23:30 in London on 1 March is already 2 March in Tokyo, still 1 March in New York.
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    member = UserFactory(time_zone=zone)
    client.force_login(member)
    data = good_run(member) | {"date": "2026-03-02"}
    response = client.post(reverse("run_create"), data)
    assert (response.status_code == 302) is allowed
    assert Run.objects.exists() is allowed
