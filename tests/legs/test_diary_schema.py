"""The diary schema is the one list of a run's and a check-in's fields: every consumer agrees.

These tests add nothing to the schema; they read it and check the models, the forms, the CSV
header and rows, the JSON export, the import's updates and the insight rules against it. That
the CSV import reads every field back is test_diary_csv's round trip, over the schema's fields.
"""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest

from legs import diary_io, exports, services
from legs.diary_schema import CHECKIN_ANSWERS, CHECKIN_SCHEMA, RUN_SCHEMA, EntrySchema, Kind
from legs.forms.diary import CheckInForm, ImportedRunForm, QuickRunForm, RunForm
from legs.insights import CheckInLike, RunLike
from legs.models import CheckIn, Run
from legs.models.diary import member_today
from tests.factories import UserFactory
from tests.legs.test_diary_csv import varied_diary

pytestmark = pytest.mark.django_db

SCHEMAS = [RUN_SCHEMA, CHECKIN_SCHEMA]
# Model fields that are bookkeeping, not the member's entry: never in a form or the CSV (nor
# whether the member asked not to be asked about an imported run's effort).
BOOKKEEPING = {"id", "user", "created", "updated", "effort_dismissed"}


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda schema: schema.type)
def test_the_schema_names_every_field_the_member_fills_in_and_nothing_else(
    schema: EntrySchema,
) -> None:
    fields = {field.name for field in schema.model._meta.get_fields() if field.concrete}
    assert set(schema.names) == fields - BOOKKEEPING
    assert len(schema.names) == len(set(schema.names))


@pytest.mark.parametrize(
    ("form_class", "schema"),
    [(RunForm, RUN_SCHEMA), (CheckInForm, CHECKIN_SCHEMA)],
    ids=["run", "checkin"],
)
def test_each_form_has_the_schemas_fields_in_its_order(form_class, schema) -> None:
    assert list(form_class(user=UserFactory()).fields) == schema.form_names


def test_the_imported_run_form_has_every_field_of_the_schema_in_its_order() -> None:
    assert list(ImportedRunForm(user=UserFactory()).fields) == RUN_SCHEMA.names


def test_the_quick_add_form_is_some_of_the_run_fields_in_the_schemas_order() -> None:
    quick = list(QuickRunForm(user=UserFactory()).fields)
    assert quick == [name for name in RUN_SCHEMA.names if name in quick]


def test_the_csv_header_is_the_type_a_runs_columns_then_a_checkins_own_and_the_notes() -> None:
    run_columns = [column for column in RUN_SCHEMA.csv_columns if column != "notes"]
    checkin_only = [c for c in CHECKIN_SCHEMA.csv_columns if c not in RUN_SCHEMA.csv_columns]
    header = diary_io.COLUMNS
    assert header == ["type", *run_columns, *checkin_only, "notes"]
    assert "notes" in RUN_SCHEMA.csv_columns
    assert "notes" in CHECKIN_SCHEMA.csv_columns


@pytest.mark.parametrize("units", ["km", "mi"])
def test_each_csv_row_fills_exactly_its_entrys_columns(units) -> None:
    member = UserFactory(units=units)
    varied_diary(member)
    for model, schema in [(Run, RUN_SCHEMA), (CheckIn, CHECKIN_SCHEMA)]:
        for entry in model.objects.filter(user=member):
            row = diary_io.csv_row(entry, schema, units)
            assert list(row) == ["type", *schema.csv_columns]


def test_the_json_export_has_the_schemas_keys_in_its_order() -> None:
    member = UserFactory()
    varied_diary(member)
    run = exports.runs_json(member)[0]
    checkin = exports.checkins_json(member)[0]
    run_keys = [
        key
        for field in RUN_SCHEMA.fields
        for key in (
            [field.name, f"{field.name}_seconds"] if field.kind is Kind.DURATION else [field.name]
        )
    ]
    assert list(run) == ["id", *run_keys, "created"]
    assert list(checkin) == [*CHECKIN_SCHEMA.names, "created"]


def test_the_import_updates_every_answer_of_a_day_already_logged() -> None:
    member = UserFactory()
    varied_diary(member)
    checkin = CheckIn.objects.get(user=member, date=member_today(member))
    fresh = CheckIn(user=member, date=checkin.date, sleep_hours=Decimal(8), leg_heaviness=1)
    fresh.soreness = fresh.fatigue = fresh.stress = 1
    assert all(getattr(checkin, name) != getattr(fresh, name) for name in CHECKIN_ANSWERS)
    services.diary_import(user=member, runs=[], checkins=[fresh])
    checkin.refresh_from_db()
    for name in CHECKIN_ANSWERS:
        assert getattr(checkin, name) == getattr(fresh, name), name


@pytest.mark.parametrize(
    ("protocol", "schema", "queryset"),
    [(RunLike, RUN_SCHEMA, Run.objects), (CheckInLike, CHECKIN_SCHEMA, CheckIn.objects)],
    ids=["run", "checkin"],
)
def test_the_insight_rules_read_schema_fields_and_the_dashboard_loads_just_those(
    protocol, schema, queryset
) -> None:
    read = set(inspect.get_annotations(protocol))
    assert read <= set(schema.names)
    loaded, deferred = queryset.for_insights().query.deferred_loading
    assert (set(loaded), deferred) == (read, False)
