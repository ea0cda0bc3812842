"""Forms for the diary. The owner is never a field: views (and the CSV import) set it.

Distances are typed in the member's unit and cleaned to kilometres; durations accept
``hh:mm:ss``, ``mm:ss`` or plain minutes. The same forms validate every row of an imported CSV,
so a rule lives here once. Their fields, in order, are the diary schema's
(``legs.diary_schema``).
"""

from __future__ import annotations

import datetime
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from accounts.models import Units, User
from legs import formats
from legs.diary_schema import CHECKIN_SCHEMA, RUN_SCHEMA
from legs.models.diary import (
    CADENCE_RANGE,
    EARLIEST_DATE,
    HEART_RATE_RANGE,
    MAX_CLIMB_M,
    MAX_DISTANCE_KM,
    MAX_DURATION,
    MAX_EXTRA_MINUTES,
    MAX_IRON_RICH_MEALS,
    MAX_SLEEP_HOURS,
    MAX_WATER_ML,
    CheckIn,
    RecoveryAction,
    Run,
    RunSource,
    member_today,
)

DURATION_HELP = "hh:mm:ss, mm:ss or minutes, e.g. 1:05:30, 45:30 or 45"
DURATION_FORMAT_ERROR = (
    "Enter the time as hh:mm:ss, mm:ss or a number of minutes, e.g. 1:05:30, 45:30 or 45."
)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)$")
_MINUTES = re.compile(r"^\d+(?:\.\d+)?$")


def parse_duration(text: str) -> timedelta:
    """``hh:mm:ss``, ``mm:ss`` or minutes (``45`` or ``42.5``) as a timedelta of whole seconds.

    Raises ValueError for anything else, including minutes or seconds of 60 or more after a colon
    (``1:75:00``); a bare ``mm:ss`` may run past 60 minutes (``75:00``), as stopwatches show it.
    """
    text = text.strip()
    if _MINUTES.match(text):
        seconds = float(text) * 60
    elif match := _CLOCK.match(text):
        hours, minutes, secs = match.groups()
        if float(secs) >= 60 or (hours is not None and int(minutes) >= 60):
            raise ValueError(text)
        seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    else:
        raise ValueError(text)
    return timedelta(seconds=round(seconds))


class DurationTextField(forms.Field):
    """A run's time, typed the way runners write it."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "placeholder": "45:30", "autocomplete": "off"}
    )
    default_error_messages = {
        "invalid": DURATION_FORMAT_ERROR,
        "zero": "The run must last longer than zero.",
        "too_long": "Enter at most 48 hours (48:00:00).",
    }

    def prepare_value(self, value: Any) -> Any:
        return formats.duration_hms(value) if isinstance(value, timedelta) else value

    def to_python(self, value: Any) -> timedelta | None:
        if isinstance(value, timedelta):
            return value
        if value in self.empty_values:
            return None
        try:
            return parse_duration(str(value))
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: timedelta | None) -> None:
        super().validate(value)
        if value is None:
            return
        if value <= timedelta(0):
            raise forms.ValidationError(self.error_messages["zero"], code="zero")
        if value > MAX_DURATION:
            raise forms.ValidationError(self.error_messages["too_long"], code="too_long")


def _scale_errors(low: int, high: int) -> dict[str, str]:
    return {"invalid_choice": f"Choose a whole number from {low} to {high}."}


class DiaryEntryForm(forms.ModelForm):
    """What runs and check-ins share: the owner, the member's today and the date rules."""

    def __init__(self, *args: Any, user: User, today: datetime.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or member_today(user)
        self.fields["date"].widget = forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "max": self.today.isoformat()}
        )
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("date", self.today)

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(
                f"That date is in the future: today is {formats.day(self.today)} "
                f"where you are ({self.user.time_zone}).",
                code="future",
            )
        if day < EARLIEST_DATE:
            raise forms.ValidationError("Enter a date from 1900 onwards.", code="too_early")
        return day

    def save(self, commit: bool = True) -> Any:
        self.instance.user = self.user
        return super().save(commit=commit)


class RunForm(DiaryEntryForm):
    """A run, with the distance in the member's unit (or the `unit` given, for CSV rows).

    Effort and heaviness are asked for on runs typed in; a run imported from a watch's file
    may stay without them (only the runner knows them: they are asked for afterwards, never
    invented), so the form asks but does not insist on an imported run.
    """

    distance_km = forms.DecimalField(
        label="Distance",
        error_messages={"invalid": "Enter the distance as a number, e.g. 5 or 5.25."},
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}),
    )
    duration = DurationTextField(
        label="Moving time",
        help_text=f"Time spent running, stops left out (as watches count it): {DURATION_HELP}",
    )
    elapsed_time = DurationTextField(
        label="Elapsed time",
        required=False,
        help_text="Optional: start to finish, stops included.",
    )
    ratings_required = True  # on a run typed in; see ImportedRunForm

    class Meta:
        model = Run
        fields = RUN_SCHEMA.form_names
        labels = {
            "warm_up_minutes": "Warm-up (minutes)",
            "cool_down_minutes": "Cool-down (minutes)",
        }
        help_texts = {
            "pain_location": "Optional: where it hurt, e.g. left knee.",
            "pain_score": "Optional. Pain that lasts, or changes how you run, is a reason to "
            "stop and see a physiotherapist.",
            "avg_heart_rate": "Optional, from your watch.",
            "max_heart_rate": "Optional, from your watch.",
            "avg_cadence": "Optional: steps a minute, both feet (watches show it this way).",
            "climb_m": "Optional: metres climbed in all.",
        }
        error_messages = {
            "rpe": _scale_errors(0, 10),
            "leg_heaviness": _scale_errors(0, 10),
            "pain_score": _scale_errors(0, 10),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, unit: str | None = None, **kwargs: Any):
        """`unit` overrides the member's (CSV rows carry their own)."""
        super().__init__(*args, **kwargs)
        self.unit = unit or self.user.units
        distance = self.fields["distance_km"]
        distance.label = f"Distance ({self.unit})"
        if self.instance.pk:
            self.initial["distance_km"] = formats.distance_input(
                self.instance.distance_km, self.unit
            )
        typed_in = self.instance.source == RunSource.MANUAL and self.ratings_required
        self.fields["rpe"].required = typed_in
        self.fields["leg_heaviness"].required = typed_in
        self.fields["leg_heaviness"].help_text = (
            "Our own 0-10 scale, not a clinical one: 0 is light, fresh legs; 10 is like running "
            "in wet sand."
        )
        self.fields["rpe"].label = "Session effort (RPE)"
        self.fields["rpe"].help_text = (
            "Foster's modified 0-10 scale: about 30 minutes after you finish, how hard was the "
            "whole session?"
        )
        limits = {
            "warm_up_minutes": MAX_EXTRA_MINUTES,
            "cool_down_minutes": MAX_EXTRA_MINUTES,
            "water_ml": MAX_WATER_ML,
        }
        for name, limit in limits.items():
            if name in self.fields:  # the quick-add form has fewer fields
                self.fields[name].validators.append(MaxValueValidator(limit))
                self.fields[name].widget.attrs["max"] = limit
        ranges = {
            "avg_heart_rate": HEART_RATE_RANGE,
            "max_heart_rate": HEART_RATE_RANGE,
            "avg_cadence": CADENCE_RANGE,
            "climb_m": (0, MAX_CLIMB_M),
        }
        for name, (low, high) in ranges.items():
            if name in self.fields:
                self.fields[name].validators += [MinValueValidator(low), MaxValueValidator(high)]
                self.fields[name].widget.attrs.update(min=low, max=high)

    def clean_distance_km(self) -> Decimal:
        value = self.cleaned_data["distance_km"]
        # Editing without touching the distance keeps the stored kilometres exactly, instead of
        # re-converting the rounded miles shown in the form.
        if self.instance.pk and "distance_km" not in self.changed_data:
            return self.instance.distance_km
        too_short = forms.ValidationError("Enter a distance greater than 0.", code="min_value")
        limit = f"{MAX_DISTANCE_KM} km"
        if self.unit == Units.MI:
            limit = f"{formats.distance(MAX_DISTANCE_KM, Units.MI, places=1)} ({limit})"
        too_long = forms.ValidationError(f"Enter a distance of at most {limit}.", code="max_value")
        if value <= 0:
            raise too_short
        if value > MAX_DISTANCE_KM:  # checked before converting, so huge numbers never overflow
            raise too_long
        km = formats.km_from(value, self.unit)
        if km <= 0:
            raise too_short
        if km > MAX_DISTANCE_KM:
            raise too_long
        return km


class QuickRunForm(RunForm):
    """The dashboard's quick add: the fields a runner fills straight after a run."""

    class Meta(RunForm.Meta):
        fields = [
            "date",
            "distance_km",
            "duration",
            "kind",
            "rpe",
            "leg_heaviness",
            "warm_up_minutes",
            "cool_down_minutes",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        # Field ids apart from the full run form's, in case both share a page.
        kwargs.setdefault("auto_id", "quick_%s")
        super().__init__(*args, **kwargs)


class ImportedRunForm(RunForm):
    """A run read from a file (our CSV, a Strava export, a watch's activity): every field of the
    schema, where it came from included, with the same rules as a run typed in; effort and
    heaviness stay empty when the file has none."""

    ratings_required = False

    class Meta(RunForm.Meta):
        fields = RUN_SCHEMA.names


class EffortForm(forms.ModelForm):
    """An imported run's effort and heaviness, asked for afterwards (the dashboard's list)."""

    class Meta:
        model = Run
        fields = ["rpe", "leg_heaviness"]
        labels = {"rpe": "Effort (RPE)", "leg_heaviness": "Heaviness"}
        error_messages = {
            "rpe": _scale_errors(0, 10),
            "leg_heaviness": _scale_errors(0, 10),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        run = kwargs.get("instance")
        # Each run's row is its own form on one page: ids apart.
        kwargs.setdefault("auto_id", f"effort-{run.pk if run else 'new'}-%s")
        super().__init__(*args, **kwargs)
        # The empty choice names the scale, as the rows have no visible labels.
        prompts = {"rpe": "Effort (RPE) 0-10", "leg_heaviness": "Heaviness 0-10"}
        for name, prompt in prompts.items():
            field = self.fields[name]
            field.required = True
            field.choices = [("", prompt), *[choice for choice in field.choices if choice[0] != ""]]
            field.widget.attrs["class"] = "form-select form-select-sm w-auto"


class CheckInForm(DiaryEntryForm):
    """A day's check-in. One per day is the service's rule (``services.checkin_save``)."""

    sleep_hours = forms.DecimalField(
        label="Hours slept last night",
        min_value=0,
        max_value=MAX_SLEEP_HOURS,
        max_digits=4,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the hours as a number, e.g. 7 or 7.5.",
            "max_value": "Enter at most 24 hours of sleep.",
            "min_value": "Hours of sleep cannot be negative.",
        },
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0", "max": "24"}),
    )
    recovery_actions = forms.MultipleChoiceField(
        choices=RecoveryAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Recovery done",
        error_messages={"invalid_choice": "%(value)s is not one of the recovery actions listed."},
    )

    class Meta:
        model = CheckIn
        fields = CHECKIN_SCHEMA.names
        labels = {
            "rest_day": "A rest day (no running)",
            "iron_rich_meals": "Iron-rich meals today",
        }
        help_texts = {
            "leg_heaviness": "Our own 0-10 scale, not a clinical one: 0 is light, fresh legs; "
            "10 is like running in wet sand.",
            "soreness": "Hooper index, 1 (very, very low) to 7 (very, very high).",
            "iron_rich_meals": "e.g. red meat, lentils, spinach, fortified cereal.",
        }
        error_messages = {
            "leg_heaviness": _scale_errors(0, 10),
            "soreness": _scale_errors(1, 7),
            "fatigue": _scale_errors(1, 7),
            "stress": _scale_errors(1, 7),
            "iron_rich_meals": {"invalid": "Enter a whole number of meals, e.g. 0, 1 or 2."},
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["iron_rich_meals"].validators.append(MaxValueValidator(MAX_IRON_RICH_MEALS))
        self.fields["iron_rich_meals"].widget.attrs["max"] = MAX_IRON_RICH_MEALS

    def clean_recovery_actions(self) -> list[str]:
        chosen = set(self.cleaned_data["recovery_actions"])
        # Stored in the order of the list so equal choices compare (and export) equal.
        return [value for value in RecoveryAction.values if value in chosen]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name, cleaned one by one (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple) and data:
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data or None, initial)]


CSV_SUFFIX = ".csv"
ZIP_SUFFIX = ".zip"
ACTIVITY_SUFFIXES = (".gpx", ".tcx", ".fit", ".gpx.gz", ".tcx.gz", ".fit.gz")
ACCEPTED = ".csv,.gpx,.tcx,.fit,.gz,.zip,text/csv,application/zip,application/gzip"


class ImportForm(forms.Form):
    """What the import page takes: one CSV (ours or Strava's activities.csv), or activity
    files from a watch (.gpx, .tcx, .fit, each possibly gzipped) and Strava export zips."""

    CSV_MAX_BYTES = 5 * 1024 * 1024
    MAX_FILES = 500

    file = MultipleFileField(
        label="Files",
        help_text="Activity files from your watch (.fit, .gpx, .tcx, also gzipped), the zip "
        "of Strava's “Download your data”, or one CSV: a Lighter Legs diary export or "
        "Strava's activities.csv. Choose several at once if you like.",
        widget=MultipleFileInput(attrs={"accept": ACCEPTED}),
    )
    include_walks = forms.BooleanField(
        label="Also import walks and hikes", required=False, initial=False
    )

    def clean_file(self) -> list[Any]:
        uploads = self.cleaned_data["file"]
        if len(uploads) > self.MAX_FILES:
            raise forms.ValidationError(
                f"That is {len(uploads)} files; import at most {self.MAX_FILES} at a time (or "
                "upload Strava's export zip, which holds them all).",
                code="too_many",
            )
        names = [upload.name.lower() for upload in uploads]
        csvs = [name for name in names if name.endswith(CSV_SUFFIX)]
        if csvs and len(uploads) > 1:
            raise forms.ValidationError(
                "Import a CSV on its own, apart from activity files.", code="csv_not_alone"
            )
        for upload, name in zip(uploads, names, strict=True):
            if name.endswith(CSV_SUFFIX):
                if upload.size > self.CSV_MAX_BYTES:
                    raise forms.ValidationError(
                        f"That file is {upload.size / 1024 / 1024:.1f} MB; the limit is 5 MB. "
                        "Split it into smaller files and import them one at a time.",
                        code="too_big",
                    )
            elif not name.endswith((*ACTIVITY_SUFFIXES, ZIP_SUFFIX)):
                raise forms.ValidationError(
                    f"That is not a CSV file. Nor is “{upload.name}” an activity file: choose "
                    ".fit, .gpx or .tcx files (also gzipped), Strava's export .zip, or a .csv.",
                    code="not_csv",
                )
        return uploads

    @property
    def csv_upload(self) -> Any:
        """The CSV, when that is what was uploaded."""
        uploads = self.cleaned_data["file"]
        return uploads[0] if uploads[0].name.lower().endswith(CSV_SUFFIX) else None
