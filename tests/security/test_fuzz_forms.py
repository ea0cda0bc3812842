"""Generated bad input to every form of the site: never a 500, never a half entry.

Comments (top-level, reply, the field check; as a visitor or a member; with or without HTMX),
runs (full form, dashboard quick add, edit), check-ins, the diary import (generated CSV
bytes), checklists (tick, stretch hold, troubleshooter answer, run notes, link to a diary
run), saving a tip, the tips filter, and ids and tokens in addresses. After each example the
member's rows are as before, or one complete valid entry that the answer announced.
"""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from legs import imports
from legs.diary_io import COLUMNS
from legs.models import (
    Block,
    CheckIn,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    Comment,
    Import,
    ImportStatus,
    ItemOutcome,
    Run,
    SavedTip,
    Status,
    Tip,
    Trial,
)
from legs.models.diary import RecoveryAction, RunKind, Surface, member_today
from legs.trials import LENGTHS
from tests.factories import ChecklistRunFactory, RunFactory
from tests.legs.comments_support import served_token
from tests.legs.imports_support import real, strava_export
from tests.security.fuzzing import (
    Fields,
    assert_not_a_server_error,
    field,
    form,
    fuzz,
    huge_text,
    isolated,
    odd_value,
    post_form,
    query_string,
)
from tests.security.test_redirects_and_disclosure import browser_location
from tests.support import HTMX

# Placeholders in generated forms, filled in with real values of the world once it exists.
TODAY, VALID_TOKEN, PARENT = "TODAY", "VALID_TOKEN", "PARENT"
MINE, FINISHED, OTHERS = "MINE", "FINISHED", "OTHERS"

day = st.one_of(st.just(TODAY), st.dates().map(lambda value: value.isoformat()))
scale = st.integers(min_value=0, max_value=10).map(str)
hooper = st.integers(min_value=1, max_value=7).map(str)
decimal_text = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
note = st.text(max_size=2000)


def fill(data: Fields, world: SimpleNamespace, **extra: str) -> Fields:
    """The generated form with its placeholders replaced by the world's real values."""
    values = {
        TODAY: member_today(world.owner).isoformat(),
        VALID_TOKEN: served_token(),
        PARENT: str(world.comment.pk),
        **extra,
    }
    return {
        name: [values.get(value, value) if isinstance(value, str) else value for value in items]
        for name, items in data.items()
    }


def logged_in(world: SimpleNamespace, role: str) -> Client:
    client = Client()
    if role != "visitor":
        client.force_login(getattr(world, role))
    return client


def rows(model, **filters) -> list[dict]:
    return list(model.objects.filter(**filters).order_by("pk").values())


# --- comments

# Found by these tests: a `parent` of thousands of digits was a 500 (int() refuses them).
LONG_PARENT = {
    "name": ["Sam"],
    "email": ["sam@example.com"],
    "body": ["Why?"],
    "parent": ["0" * 10_000],
    "ts": [VALID_TOKEN],
}
comment_form = form(
    name=field("Sam Runner", st.text(max_size=60)),
    email=field("sam@example.com"),
    body=field("Heavy legs from the first mile?", st.text(min_size=1, max_size=3000)),
    notify_on_reply=field("on"),
    parent=field("", PARENT),
    website=field(""),
    ts=field(VALID_TOKEN),
)


@fuzz
@given(
    data=comment_form,
    role=st.sampled_from(["visitor", "owner"]),
    htmx=st.booleans(),
)
@example(data=LONG_PARENT, role="visitor", htmx=False)
def test_a_comment_or_reply_survives_any_input(world, data, role, htmx):
    client = logged_in(world, role)
    with isolated():
        before = Comment.objects.count()
        response = post_form(
            client,
            reverse("comment_post", args=[world.tip.slug]),
            fill(data, world),
            headers=HTMX if htmx else {},
        )
        assert_not_a_server_error(response)
        created = Comment.objects.count() - before
        assert created in (0, 1)
        if not htmx:
            assert (created == 1) == (response.status_code == 302)
        if created:
            comment = Comment.objects.latest("pk")
            comment.full_clean()
            assert comment.tip_id == world.tip.pk
            assert comment.parent_id in (None, world.comment.pk)
            assert comment.body.strip()


@fuzz
@given(
    data=comment_form,
    trigger=st.one_of(
        st.sampled_from(["name", "email", "body", "website", "ts", "parent", ""]),
        st.text(max_size=20),
    ),
    role=st.sampled_from(["visitor", "owner"]),
)
@example(data=LONG_PARENT, trigger="name", role="visitor")
def test_the_comment_field_check_survives_any_input(world, data, trigger, role):
    client = logged_in(world, role)
    with isolated():
        before = Comment.objects.count()
        response = post_form(
            client,
            reverse("comment_check", args=[world.tip.slug]),
            fill(data, world),
            headers=HTMX | {"HX-Trigger-Name": trigger},
        )
        assert response.status_code in (200, 400)
        assert Comment.objects.count() == before


@fuzz
@given(data=form(body=field("Edited: warm up longer", st.text(max_size=3000))))
def test_editing_ones_own_comment_survives_any_input_and_keeps_a_text(world, data):
    with isolated():
        comment = Comment.objects.create(
            tip=world.tip, user=world.owner, name="Owner", body="Before", status=Status.APPROVED
        )
        response = post_form(
            logged_in(world, "owner"),
            reverse("comment_edit", args=[world.tip.slug, comment.pk]),
            data,
        )
        assert_not_a_server_error(response)
        comment.refresh_from_db()
        assert comment.body.strip()
        if response.status_code != 302:  # refused: the text stays as it was
            assert comment.body == "Before"


@fuzz
@given(
    data=form(
        reason=field("spam", "rude", "unsafe", "other", st.text(max_size=20)),
        note=field("", note),
    ),
    role=st.sampled_from(["visitor", "other"]),
    htmx=st.booleans(),
)
def test_a_report_survives_any_reason_and_note(world, data, role, htmx):
    with isolated():
        url = reverse("comment_report", args=[world.tip.slug, world.comment.pk])
        response = post_form(logged_in(world, role), url, data, headers=HTMX if htmx else {})
        assert_not_a_server_error(response)
        for report in world.comment.reports.all():
            report.full_clean()


@fuzz
@given(
    data=form(
        kind=field("email", "address", st.text(max_size=10)),
        days=field("1", "7", "30", "0", st.text(max_size=10)),
    )
)
def test_blocking_a_commenter_survives_any_input(world, data):
    with isolated():
        before = Block.objects.count()
        url = reverse("admin:legs_comment_block", args=[world.comment.pk])
        response = post_form(logged_in(world, "moderator"), url, data)
        assert_not_a_server_error(response)
        assert Block.objects.count() - before in (0, 1)


# --- the diary

run_fields = {
    "date": field(day),
    "distance_km": field("5", decimal_text),
    "duration": field("30:00", st.sampled_from(["45", "1:05:30", "75:00", "0:00:01"])),
    "kind": field(st.sampled_from(RunKind.values)),
    "surface": field(st.sampled_from(Surface.values)),
    "rpe": field(scale),
    "leg_heaviness": field(scale),
    "warm_up_minutes": field("10", st.integers(min_value=0, max_value=300).map(str)),
    "cool_down_minutes": field("5"),
    "stretched_after": field("on"),
    "water_ml": field("", "500"),
    "pain_location": field("", st.text(max_size=80)),
    "pain_score": field("", scale),
    "notes": field("", note),
}


def assert_runs_sound(world) -> None:
    """Every run of the member is valid, and no checklist run of anyone else points at one."""
    for run in Run.objects.filter(user=world.owner):
        run.full_clean()
    assert not ChecklistRun.objects.filter(diary_run__user=world.owner).exclude(user=world.owner)


@fuzz
@given(data=form(**run_fields, checklist_run=field("", FINISHED, OTHERS)))
def test_a_new_run_survives_any_input(world, data):
    client = logged_in(world, "owner")
    with isolated():
        finished = world.checklist_run
        others = ChecklistRunFactory(user=world.other, checklist=world.checklist)
        ChecklistRun.objects.filter(pk__in=[finished.pk, others.pk]).update(finished=timezone.now())
        data = fill(data, world, FINISHED=str(finished.pk), OTHERS=str(others.pk))
        before = Run.objects.count()
        response = post_form(client, reverse("run_create"), data)
        assert_not_a_server_error(response)
        created = Run.objects.count() - before
        assert created in (0, 1)
        assert (created == 1) == (response.status_code == 302)
        assert_runs_sound(world)
        others.refresh_from_db()
        assert others.diary_run_id is None


@fuzz
@given(data=form(**run_fields), htmx=st.booleans())
def test_the_dashboard_quick_add_survives_any_input(world, data, htmx):
    client = logged_in(world, "owner")
    with isolated():
        before = Run.objects.count()
        response = post_form(
            client, reverse("diary"), fill(data, world), headers=HTMX if htmx else {}
        )
        assert_not_a_server_error(response)
        created = Run.objects.count() - before
        assert created in (0, 1)
        if htmx:
            assert response.status_code == 200
        else:
            assert (created == 1) == (response.status_code == 302)
        assert_runs_sound(world)


@fuzz
@given(data=form(**run_fields))
def test_editing_a_run_survives_any_input(world, data):
    client = logged_in(world, "owner")
    with isolated():
        before = rows(Run, user=world.owner)
        response = post_form(client, reverse("run_edit", args=[world.run.pk]), fill(data, world))
        assert_not_a_server_error(response)
        if response.status_code != 302:
            assert rows(Run, user=world.owner) == before
        assert_runs_sound(world)


checkin_fields = {
    "date": field(day),
    "sleep_hours": field("7.5", decimal_text),
    "leg_heaviness": field(scale),
    "soreness": field(hooper),
    "fatigue": field(hooper),
    "stress": field(hooper),
    "rest_day": field("on", ""),
    "recovery_actions": st.lists(
        st.one_of(st.sampled_from(RecoveryAction.values), odd_value), max_size=4
    ),
    "iron_rich_meals": field("1", st.integers(min_value=0, max_value=12).map(str)),
    "notes": field("", note),
}


def assert_checkins_sound(world) -> None:
    checkins = list(CheckIn.objects.filter(user=world.owner))
    for checkin in checkins:
        checkin.full_clean()
    assert len({checkin.date for checkin in checkins}) == len(checkins)


@fuzz
@given(data=form(**checkin_fields), edit=st.booleans())
def test_a_check_in_survives_any_input(world, data, edit):
    client = logged_in(world, "owner")
    url = reverse("checkin_edit", args=[world.checkin.pk]) if edit else reverse("checkin_create")
    with isolated():
        before = rows(CheckIn, user=world.owner)
        response = post_form(client, url, fill(data, world))
        assert_not_a_server_error(response)
        after = rows(CheckIn, user=world.owner)
        if response.status_code == 302:
            assert len(after) - len(before) in (0, 1)
        else:
            assert after == before
        assert_checkins_sound(world)


csv_cell = st.one_of(st.text(max_size=20), st.sampled_from(["", "0", "-1", "yes", "no"]))
plausible_row = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["run", "checkin", "Run", "check-in", ""]),
        "date": st.one_of(st.just(TODAY), st.dates().map(lambda value: value.isoformat())),
        "unit": st.sampled_from(["km", "mi", "KM", ""]),
        "distance": st.one_of(st.just("5"), decimal_text),
        "duration": st.sampled_from(["0:30:00", "45", "1:75:00", ""]),
        "kind": st.sampled_from(RunKind.values),
        "surface": st.sampled_from(Surface.values),
        "rpe": scale,
        "leg_heaviness": scale,
        "warm_up_minutes": st.just("0"),
        "cool_down_minutes": st.just("0"),
        "stretched_after": st.sampled_from(["yes", "no", "maybe"]),
        "sleep_hours": st.one_of(st.just("7"), decimal_text),
        "soreness": hooper,
        "fatigue": hooper,
        "stress": hooper,
        "rest_day": st.sampled_from(["yes", "no"]),
        "recovery_actions": st.sampled_from(["", "stretching;ice", "nonsense"]),
        "iron_rich_meals": st.sampled_from(["0", "1", "11"]),
        "notes": st.one_of(st.text(max_size=50), huge_text),
        "pain_location": csv_cell,
    }
)


def csv_bytes(records: list[dict[str, str]], header: list[str], today: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {name: today if value == TODAY else value for name, value in record.items()}
        )
    return out.getvalue().encode("utf-8", "surrogatepass")


number_cell = st.one_of(
    st.sampled_from(["1800", "5.0", "5,0", "", "0", "-1", "NaN", "sNaN", "inf", "-inf", "1e400"]),
    decimal_text,
    st.text(max_size=8),
)
STRAVA_HEADER = [
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Elapsed Time",
    "Distance",
    "Moving Time",
    "Perceived Exertion",
]
strava_row = st.fixed_dictionaries(
    {
        "Activity ID": st.just("1"),
        "Activity Date": st.one_of(
            st.sampled_from(["Mar 1, 2024, 7:02:11 AM", "2024-03-01 07:02:11", "1 Mar 2024"]),
            st.text(max_size=20),
        ),
        "Activity Name": st.text(max_size=30),
        "Activity Type": st.sampled_from(["Run", "Trail Run", "Virtual Run", "Ride", ""]),
        "Elapsed Time": number_cell,
        "Distance": number_cell,
        "Moving Time": number_cell,
        "Perceived Exertion": number_cell,
    }
)
upload = st.one_of(
    st.binary(max_size=300).map(lambda raw: ("raw", raw)),
    st.tuples(
        st.lists(plausible_row, max_size=6),
        st.one_of(st.just(COLUMNS), st.permutations(COLUMNS), st.lists(csv_cell, max_size=4)),
    ).map(lambda made: ("csv", made)),
    st.tuples(st.lists(strava_row, min_size=1, max_size=4), st.just(STRAVA_HEADER)).map(
        lambda made: ("csv", made)
    ),
)


def strava_run(**cells: str) -> tuple[str, tuple[list[dict[str, str]], list[str]]]:
    row = {"Activity ID": "1", "Activity Date": "Mar 1, 2024, 7:02:11 AM", "Activity Type": "Run"}
    row |= {"Distance": "5.0", "Moving Time": "1800"} | cells
    return ("csv", ([row], STRAVA_HEADER))


@fuzz
@given(
    content=upload,
    name=st.sampled_from(["diary.csv", "DIARY.CSV", "diary.txt", "diary"]),
    default_rpe=st.one_of(scale, st.text(max_size=5)),
)
# Found by this test: Strava times and efforts that are Decimals but not finite floats were 500s.
@example(content=strava_run(**{"Moving Time": "sNaN"}), name="a.csv", default_rpe="3")
@example(content=strava_run(**{"Perceived Exertion": "inf"}), name="a.csv", default_rpe="3")
def test_the_diary_import_survives_any_file_and_is_all_or_nothing(
    world, content, name, default_rpe
):
    client = logged_in(world, "owner")
    kind, made = content
    today = member_today(world.owner).isoformat()
    raw = made if kind == "raw" else csv_bytes(made[0], list(made[1]), today)
    with isolated():
        before = (rows(Run, user=world.owner), rows(CheckIn, user=world.owner))
        response = client.post(
            reverse("diary_import"),
            {
                "file": SimpleUploadedFile(name, raw, content_type="text/csv"),
                "default_rpe": default_rpe,
            },
        )
        assert_not_a_server_error(response)
        after = (rows(Run, user=world.owner), rows(CheckIn, user=world.owner))
        if response.status_code != 302:
            assert after == before
        assert_runs_sound(world)
        assert_checkins_sound(world)


# --- activity files and the ratings asked for afterwards

ACTIVITY_NAMES = ["run.fit", "run.gpx", "run.tcx", "run.fit.gz", "export.zip", "run.GPX.GZ"]
REAL_STARTS = {
    "run.fit": real("gap_laufen_landal_park_run.fit"),
    "run.gpx": real("togeojson_run_garmin_connect.gpx"),
    "run.tcx": real("tcxparser_test_running.tcx"),
    "export.zip": strava_export(),
}
activity_bytes = st.one_of(
    st.binary(max_size=4000),
    # A real file cut or with bytes changed: what a bad copy or a damaged card gives.
    st.tuples(
        st.sampled_from(sorted(REAL_STARTS)), st.integers(0, 40_000), st.binary(max_size=8)
    ).map(lambda made: REAL_STARTS[made[0]][: made[1]] + made[2]),
)


@fuzz
@given(
    files=st.lists(
        st.tuples(st.sampled_from(ACTIVITY_NAMES), activity_bytes), min_size=1, max_size=3
    ),
    include_walks=field("", "on"),
)
def test_activity_files_survive_any_bytes_and_leave_whole_runs_or_none(
    world, files, include_walks, settings, tmp_path
):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    client = logged_in(world, "owner")
    with isolated():
        response = client.post(
            reverse("diary_import"),
            {
                "file": [SimpleUploadedFile(name, content) for name, content in files],
                "include_walks": include_walks,
            },
        )
        assert_not_a_server_error(response)
        if response.status_code == 302:
            upload = Import.objects.filter(user=world.owner).latest("pk")
            assert upload.status in (ImportStatus.DONE, ImportStatus.FAILED)
            assert upload.summary != imports.BROKEN
            made = Run.objects.filter(user=world.owner, source__in=["fit", "gpx", "tcx", "strava"])
            assert made.count() == upload.items.filter(outcome=ItemOutcome.IMPORTED).count()
        assert_runs_sound(world)


@fuzz
@given(
    data=form(rpe=field(scale), leg_heaviness=field(scale), dismiss=field("", "1")),
    whose=st.sampled_from([MINE, OTHERS]),
    htmx=st.booleans(),
)
def test_rating_an_imported_run_survives_any_input(world, data, whose, htmx):
    client = logged_in(world, "owner")
    with isolated():
        run = RunFactory(
            user=world.owner if whose == MINE else world.other,
            source="gpx",
            rpe=None,
            leg_heaviness=None,
        )
        response = post_form(
            client, reverse("run_effort", args=[run.pk]), data, headers=HTMX if htmx else {}
        )
        assert_not_a_server_error(response)
        run.refresh_from_db()
        if whose == OTHERS:
            assert response.status_code == 404
            assert (run.rpe, run.effort_dismissed) == (None, False)
        # Both ratings or neither: never one without the other.
        assert (run.rpe is None) == (run.leg_heaviness is None)
        assert_runs_sound(world)


# --- checklists

STEP_IDS = ["mine", "another checklist's", "huge", "zero"]


@fuzz
@given(
    data=form(ticked=field("1", "0")),
    step=st.sampled_from(STEP_IDS),
    role=st.sampled_from(["visitor", "owner"]),
    htmx=st.booleans(),
)
def test_ticking_a_step_survives_any_input(world, data, step, role, htmx):
    client = logged_in(world, role)
    step_id = {
        "mine": world.step.pk,
        "another checklist's": world.troubleshooter.pk * 0 + 10**6,
        "huge": 10**30,
        "zero": 0,
    }[step]
    url = reverse("checklist_tick", args=[world.checklist.slug, step_id])
    with isolated():
        before = ChecklistRunStep.objects.count()
        response = post_form(client, url, data, headers=HTMX if htmx else {})
        assert_not_a_server_error(response)
        assert abs(ChecklistRunStep.objects.count() - before) <= 1
        for tick in ChecklistRunStep.objects.select_related("run", "step"):
            assert tick.step.checklist_id == tick.run.checklist_id


@fuzz
@given(
    data=form(hold=field("20", "30", "45")),
    role=st.sampled_from(["visitor", "owner"]),
    htmx=st.booleans(),
)
def test_choosing_a_stretch_hold_survives_any_input(world, data, role, htmx):
    client = logged_in(world, role)
    url = reverse("checklist_hold", args=[world.checklist.slug])
    with isolated():
        response = post_form(client, url, data, headers=HTMX if htmx else {})
        assert_not_a_server_error(response)
        world.owner.refresh_from_db()
        assert world.owner.stretch_hold in (20, 30, 45)


@fuzz
@given(picks=st.data(), role=st.sampled_from(["visitor", "owner"]), htmx=st.booleans())
def test_a_troubleshooter_answer_survives_any_input(world, picks, role, htmx):
    questions = list(world.troubleshooter.questions.prefetch_related("answers"))
    slugs = [question.slug for question in questions]
    answer_ids = [str(answer.pk) for question in questions for answer in question.answers.all()]
    data = picks.draw(
        form(
            question=field(st.sampled_from(slugs)),
            answer=field(st.sampled_from([*answer_ids, str(world.step.pk)])),
        )
    )
    client = logged_in(world, role)
    url = reverse("troubleshooter_answer", args=[world.troubleshooter.slug])
    with isolated():
        response = post_form(client, url, data, headers=HTMX if htmx else {})
        assert_not_a_server_error(response)
        for row in ChecklistRunAnswer.objects.select_related("run", "answer__question"):
            assert row.answer.question.checklist_id == row.run.checklist_id


@fuzz
@given(data=form(notes=field(note)))
def test_checklist_run_notes_survive_any_input(world, data):
    client = logged_in(world, "owner")
    url = reverse("checklist_run_detail", args=[world.checklist_run.pk])
    with isolated():
        before = rows(ChecklistRun, pk=world.checklist_run.pk)
        response = post_form(client, url, data)
        assert_not_a_server_error(response)
        if response.status_code == 302:
            ChecklistRun.objects.get(pk=world.checklist_run.pk).full_clean()
        else:
            assert rows(ChecklistRun, pk=world.checklist_run.pk) == before


@fuzz
@given(data=form(diary_run=field("", MINE, OTHERS)))
def test_linking_a_checklist_run_survives_any_input_and_never_takes_anothers_run(world, data):
    client = logged_in(world, "owner")
    url = reverse("checklist_run_link", args=[world.checklist_run.pk])
    with isolated():
        ChecklistRun.objects.filter(pk=world.checklist_run.pk).update(finished=timezone.now())
        others = RunFactory(user=world.other)
        data = fill(data, world, MINE=str(world.run.pk), OTHERS=str(others.pk))
        response = post_form(client, url, data)
        assert_not_a_server_error(response)
        linked = ChecklistRun.objects.get(pk=world.checklist_run.pk).diary_run_id
        assert linked in (None, world.run.pk)


# --- trying a tip

TRIED, UNTRIED = "TRIED", "UNTRIED"  # the tip the owner is trying, and one they are not


def assert_trials_sound(world) -> None:
    """Every trial of the member is valid, started today or before, and no tip runs twice."""
    today = member_today(world.owner)
    running = list(Trial.objects.filter(user=world.owner).running(today))
    for trial in Trial.objects.filter(user=world.owner):
        trial.full_clean()
        assert trial.length_days in LENGTHS
        assert trial.start <= today
    assert len({trial.tip_id for trial in running}) == len(running)


@fuzz
@given(
    data=form(
        tip=field(TRIED, UNTRIED, st.text(max_size=60)),
        length_days=field(*(str(days) for days in LENGTHS)),
    ),
    htmx=st.booleans(),
)
def test_starting_a_trial_survives_any_input_and_never_runs_a_tip_twice(world, data, htmx):
    client = logged_in(world, "owner")
    untried = Tip.objects.published().exclude(pk=world.tip.pk).first()
    with isolated():
        before = Trial.objects.count()
        data = fill(data, world, TRIED=world.tip.slug, UNTRIED=untried.slug)
        response = post_form(client, reverse("trial_start"), data, headers=HTMX if htmx else {})
        assert_not_a_server_error(response)
        created = Trial.objects.count() - before
        assert created in (0, 1)
        if not htmx:
            assert (created == 1) == (response.status_code == 302)
        if created:
            assert Trial.objects.latest("pk").tip_id == untried.pk
        assert_trials_sound(world)


# --- the catalogue


@fuzz
@given(
    data=form(next=field("/tips/", "/diary/")),
    view=st.sampled_from(["tip_save", "tip_unsave"]),
    role=st.sampled_from(["visitor", "owner"]),
    htmx=st.booleans(),
)
def test_saving_a_tip_survives_any_input_and_stays_on_the_site(world, data, view, role, htmx):
    client = logged_in(world, role)
    url = reverse(view, args=[world.tip.slug])
    with isolated():
        before = SavedTip.objects.count()
        response = post_form(client, url, data, headers=HTMX if htmx else {})
        assert_not_a_server_error(response)
        assert abs(SavedTip.objects.count() - before) <= 1
        if response.status_code == 302:
            assert browser_location(response["Location"], url) == ("http", "testserver")


@fuzz
@given(
    query=form(
        q=field("legs", st.text(max_size=120)),
        phase=field("before", "after"),
        cause=field(st.just("lactic-acid")),
        page=field("2"),
    ),
    htmx=st.booleans(),
)
def test_the_tips_filter_survives_any_query_string(world, query, htmx):
    response = Client().get(
        f"{reverse('tip_list')}?{query_string(query)}", headers=HTMX if htmx else {}
    )
    assert response.status_code == 200


ADDRESS_IDS = [
    ("run_edit", "get"),
    ("run_delete", "post"),
    ("checkin_edit", "get"),
    ("checkin_delete", "post"),
    ("checklist_run_detail", "get"),
    ("checklist_run_link", "post"),
    ("trial_detail", "get"),
    ("trial_stop", "post"),
    ("trial_delete", "post"),
]


@fuzz
@given(
    number=st.one_of(st.integers(min_value=0, max_value=10**40), st.sampled_from([0, 2**63])),
    token=st.text(min_size=1, max_size=200).filter(lambda text: "/" not in text),
    query=form(checklist_run=field(st.integers().map(str)), page=field("2"), q=field("x")),
)
def test_ids_tokens_and_queries_in_addresses_never_fail(world, number, token, query):
    client = logged_in(world, "owner")
    with isolated():
        for name, method in ADDRESS_IDS:
            response = getattr(client, method)(reverse(name, args=[number]))
            assert response.status_code == 404
        for address in (
            reverse("comment_reply", args=[world.tip.slug, number]),
            reverse("checklist_tick", args=[world.checklist.slug, number]),
            reverse("comment_unsubscribe", args=[token]),
            reverse("password_reset_confirm", args=[token[:50] or "x", token]),
        ):
            assert_not_a_server_error(client.get(address))
            assert_not_a_server_error(client.post(address))
        for page in (
            "run_create",
            "run_list",
            "checkin_list",
            "checklist_run_list",
            "diary",
            "trial_list",
            "trial_start",
        ):
            assert_not_a_server_error(client.get(f"{reverse(page)}?{query_string(query)}"))
        troubleshooter = world.troubleshooter.get_absolute_url()
        assert_not_a_server_error(client.get(f"{troubleshooter}?{query_string(query)}"))
