"""Migrations 0014 and 0015 bring a database with the old content to what the fixtures say.

``load_content`` never overwrites content already loaded, so a site set up before issue 16
gets the troubleshooter's new triage from this migration. The old content is kept in
tests/legs/data/content_before_0010 (the fixtures as they were).
"""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legs.models import ChecklistStep, Fact, Question, Tip, TroubleshooterQuestion
from legs.models.tips import fold_for_search
from tests.support import TROUBLESHOOTER

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("legs", "0013_triage_fits_the_answer")
AFTER = ("legs", "0015_red_flag_explained")
OLD_CONTENT = Path(__file__).parent / "data" / "content_before_0010"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def graph_in_fixtures() -> dict:
    """The troubleshooter as the fixtures describe it, keyed by question slug and answer order."""
    catalogue = json.loads((FIXTURES / "catalogue.json").read_text())
    rows = json.loads((FIXTURES / "checklists.json").read_text())
    causes = {row["pk"]: row["fields"]["slug"] for row in catalogue if row["model"] == "legs.cause"}
    questions = {
        row["pk"]: row["fields"]
        for row in rows
        if row["model"] == "legs.troubleshooterquestion" and row["fields"]["checklist"] == 4
    }
    graph = {
        fields["slug"]: (fields["order"], fields["text"], fields.get("help_text", ""), {})
        for fields in questions.values()
    }
    for row in rows:
        fields = row["fields"]
        if row["model"] != "legs.troubleshooteranswer" or fields["question"] not in questions:
            continue
        following = fields.get("next_question")
        graph[questions[fields["question"]]["slug"]][3][fields["order"]] = (
            fields["text"],
            questions[following]["slug"] if following else None,
            fields.get("triage", ""),
            fields.get("advice", ""),
            sorted(causes[pk] for pk in fields.get("causes", [])),
        )
    return graph


def graph_in_database() -> dict:
    graph = {}
    questions = TroubleshooterQuestion.objects.filter(checklist__slug=TROUBLESHOOTER)
    for question in questions.prefetch_related("answers__causes", "answers__next_question"):
        graph[question.slug] = (
            question.order,
            question.text,
            question.help_text,
            {
                answer.order: (
                    answer.text,
                    answer.next_question.slug if answer.next_question else None,
                    answer.triage,
                    answer.advice,
                    sorted(cause.slug for cause in answer.causes.all()),
                )
                for answer in question.answers.all()
            },
        )
    return graph


def load_old_content() -> None:
    """The old fixtures through the models as they were at BEFORE: today's models have columns
    (Tip.comment_stamp, say) that the old schema has not."""
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    with mock.patch.object(
        PythonDeserializer, "_get_model_from_node", staticmethod(old_apps.get_model)
    ):
        call_command(
            "loaddata",
            OLD_CONTENT / "catalogue.json",
            OLD_CONTENT / "checklists.json",
            verbosity=0,
        )


def test_a_database_with_the_old_content_gets_the_new_triage_and_content():
    migrate(BEFORE)
    load_old_content()
    kept_answer_ids = set(
        TroubleshooterQuestion.objects.filter(checklist__slug=TROUBLESHOOTER).values_list(
            "answers", flat=True
        )
    )
    Question.objects.update(search_text="")
    Fact.objects.update(search_text="")
    assert graph_in_database() != graph_in_fixtures()

    migrate(AFTER)

    assert graph_in_database() == graph_in_fixtures()
    # Updated in place: members' saved runs still point at the same answers.
    assert kept_answer_ids <= set(
        TroubleshooterQuestion.objects.filter(checklist__slug=TROUBLESHOOTER).values_list(
            "answers", flat=True
        )
    )
    route = ChecklistStep.objects.get(checklist__slug="before-your-run", order=4)
    assert "the next corner or the top of the next hill" not in route.why
    assert Fact.objects.filter(text__contains="high carbohydrate and high protein").exists()
    catalogue = json.loads((FIXTURES / "catalogue.json").read_text())
    suit_rest = {
        row["fields"]["slug"]
        for row in catalogue
        if row["model"] == "legs.tip" and row["fields"]["suits_rest"]
    }
    assert set(Tip.objects.filter(suits_rest=True).values_list("slug", flat=True)) == suit_rest
    for question in Question.objects.all():
        assert question.search_text == fold_for_search(f"{question.question}\n{question.answer}")
    assert Fact.objects.filter(search_text__contains="peanut butter").exists()


def test_a_fresh_database_is_left_for_load_content():
    migrate(BEFORE)
    migrate(AFTER)
    assert not TroubleshooterQuestion.objects.exists()
