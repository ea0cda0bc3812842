"""The few writes that touch several models: keyword-only functions, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from legs.models.diary import CheckIn, Run

# --- diary

CHECKIN_IMPORT_FIELDS = [
    "sleep_hours",
    "leg_heaviness",
    "soreness",
    "fatigue",
    "stress",
    "rest_day",
    "recovery_actions",
    "iron_rich_meals",
    "notes",
]


@dataclass(frozen=True)
class DiaryImportResult:
    runs_added: int
    runs_already_there: int
    checkins_added: int
    checkins_updated: int
    checkins_unchanged: int


def diary_import(*, user: User, runs: list[Run], checkins: list[CheckIn]) -> DiaryImportResult:
    """Write validated, unsaved runs and check-ins to the member's diary, all or nothing.

    A run already in the diary (same date, distance and time) is not added again, so importing
    the same file twice changes nothing. A check-in for a day that already has one replaces that
    day's values (one check-in per day, as in the form).
    """
    with transaction.atomic():
        seen = set()
        if runs:
            # One read over the file's span (not an IN list, which SQLite caps in length).
            seen = set(
                Run.objects.for_user(user)
                .filter(date__gte=min(r.date for r in runs), date__lte=max(r.date for r in runs))
                .values_list("date", "distance_km", "duration")
            )
        new_runs = []
        for run in runs:
            key = (run.date, run.distance_km, run.duration)
            if key in seen:
                continue
            seen.add(key)
            run.user = user
            new_runs.append(run)
        Run.objects.bulk_create(new_runs, batch_size=500)

        by_date = {}
        if checkins:
            dates = [c.date for c in checkins]
            by_date = {
                checkin.date: checkin
                for checkin in CheckIn.objects.for_user(user).filter(
                    date__gte=min(dates), date__lte=max(dates)
                )
            }
        new_checkins, changed = [], []
        for checkin in checkins:
            existing = by_date.get(checkin.date)
            if existing is None:
                checkin.user = user
                new_checkins.append(checkin)
                continue
            values = {name: getattr(checkin, name) for name in CHECKIN_IMPORT_FIELDS}
            if any(getattr(existing, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(existing, name, value)
                existing.updated = timezone.now()  # bulk_update skips auto_now
                changed.append(existing)
        CheckIn.objects.bulk_create(new_checkins, batch_size=500)
        CheckIn.objects.bulk_update(changed, [*CHECKIN_IMPORT_FIELDS, "updated"], batch_size=500)
    return DiaryImportResult(
        runs_added=len(new_runs),
        runs_already_there=len(runs) - len(new_runs),
        checkins_added=len(new_checkins),
        checkins_updated=len(changed),
        checkins_unchanged=len(checkins) - len(new_checkins) - len(changed),
    )
