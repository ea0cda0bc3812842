"""The diary's entries field by field: one declaration per entry type.

Everything that lists a run's or a check-in's fields reads it here: the run and check-in forms
take their ``fields`` (and so their order), the CSV export writes and the import reads these
columns, and the account's JSON export writes these keys. A new field is its model field (with
its migration) plus one line here; ``tests/legs/test_diary_schema.py`` checks that every consumer
agrees. What the insight rules read is declared by the rules themselves (``insights.RunLike``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import capfirst

from legs.models.diary import CheckIn, Run


class Kind(StrEnum):
    """What a field holds, which says how it is written out and read back."""

    DATE = "date"  # ISO 8601, 2025-03-01
    # Stored in km. A CSV row writes it in the member's unit, named in a "unit" column just
    # before it, and an import reads each row's own unit; JSON keeps km.
    DISTANCE = "distance"
    # h:mm:ss. A CSV row follows it with the pace over the run's distance (written, never
    # read back); JSON adds the whole seconds as "<name>_seconds".
    DURATION = "duration"
    CLOCK = "clock"  # h:mm:ss, empty (JSON null) when not given; no pace follows it
    DATETIME = "datetime"  # ISO 8601 with its UTC offset, 2022-05-29T15:53:35+00:00, or empty
    DECIMAL = "decimal"  # no exponent or trailing zeros: 7.5, not 7.50
    INTEGER = "integer"  # a whole number; an empty cell (JSON null) when not given
    CHOICE = "choice"  # the stored value of one of the field's choices, "easy"
    BOOLEAN = "boolean"  # yes or no in CSV, true or false in JSON
    TEXT = "text"  # the member's own words: a CSV cell is kept from being read as a formula
    CHOICES = "choices"  # several choice values: ";"-separated in CSV, a list in JSON


@dataclass(frozen=True)
class Field:
    name: str  # the model field, the form field and the JSON key
    kind: Kind
    column: str = ""  # the CSV column, when it is not the name
    # Shown in the member's form; the rest is the import's to fill (where a run came from),
    # still written to and read from CSV and JSON.
    in_form: bool = True

    @property
    def csv_column(self) -> str:
        return self.column or self.name


UNIT_COLUMN = "unit"
PACE_COLUMN = "pace"


@dataclass(frozen=True)
class EntrySchema:
    model: type[Run] | type[CheckIn]
    type: str  # the CSV's "type" cell for this kind of entry
    fields: tuple[Field, ...]  # in the order forms, CSV and JSON list them

    @property
    def names(self) -> list[str]:
        return [field.name for field in self.fields]

    @property
    def form_names(self) -> list[str]:
        return [field.name for field in self.fields if field.in_form]

    @property
    def csv_columns(self) -> list[str]:
        """This entry's CSV columns in order: a distance's unit before it, a time's pace after."""
        columns = []
        for field in self.fields:
            if field.kind is Kind.DISTANCE:
                columns.append(UNIT_COLUMN)
            columns.append(field.csv_column)
            if field.kind is Kind.DURATION:
                columns.append(PACE_COLUMN)
        return columns

    def label(self, field: Field) -> str:
        """The field's name in plain words (its model field's), for an import's messages."""
        return capfirst(self.model._meta.get_field(field.name).verbose_name)


RUN_SCHEMA = EntrySchema(
    model=Run,
    type="run",
    fields=(
        Field("date", Kind.DATE),
        Field("distance_km", Kind.DISTANCE, column="distance"),
        Field("duration", Kind.DURATION),
        Field("kind", Kind.CHOICE),
        Field("surface", Kind.CHOICE),
        Field("rpe", Kind.INTEGER),
        Field("leg_heaviness", Kind.INTEGER),
        Field("warm_up_minutes", Kind.INTEGER),
        Field("cool_down_minutes", Kind.INTEGER),
        Field("stretched_after", Kind.BOOLEAN),
        Field("water_ml", Kind.INTEGER),
        Field("pain_location", Kind.TEXT),
        Field("pain_score", Kind.INTEGER),
        Field("elapsed_time", Kind.CLOCK),
        Field("avg_heart_rate", Kind.INTEGER),
        Field("max_heart_rate", Kind.INTEGER),
        Field("avg_cadence", Kind.INTEGER),
        Field("climb_m", Kind.INTEGER),
        Field("notes", Kind.TEXT),
        Field("started_at", Kind.DATETIME, in_form=False),
        Field("source", Kind.CHOICE, in_form=False),
        Field("source_id", Kind.TEXT, in_form=False),
    ),
)

CHECKIN_SCHEMA = EntrySchema(
    model=CheckIn,
    type="checkin",
    fields=(
        Field("date", Kind.DATE),
        Field("sleep_hours", Kind.DECIMAL),
        Field("leg_heaviness", Kind.INTEGER),
        Field("soreness", Kind.INTEGER),
        Field("fatigue", Kind.INTEGER),
        Field("stress", Kind.INTEGER),
        Field("rest_day", Kind.BOOLEAN),
        Field("tip_done", Kind.BOOLEAN),
        Field("recovery_actions", Kind.CHOICES),
        Field("iron_rich_meals", Kind.INTEGER),
        Field("notes", Kind.TEXT),
    ),
)

# What a day's check-in answers: all but its day, which is what identifies it (one per day).
CHECKIN_ANSWERS = [name for name in CHECKIN_SCHEMA.names if name != "date"]
