import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from legs.models import (
    Checklist,
    ChecklistRun,
    ChecklistStep,
    StepKind,
    Triage,
    TroubleshooterAnswer,
)
from legs.troubleshooter import (
    Edge,
    Result,
    Troubleshooter,
    graph_problems,
)
from tests.factories import (
    ChecklistFactory,
    ChecklistStepFactory,
    TroubleshooterAnswerFactory,
    TroubleshooterQuestionFactory,
    UserFactory,
)
from tests.support import TROUBLESHOOTER

pytestmark = pytest.mark.django_db


# --- steps


def test_a_stretch_without_a_duration_gets_thirty_seconds():
    step = ChecklistStepFactory.build(
        checklist=ChecklistFactory(), kind=StepKind.STRETCH, duration_seconds=None
    )
    step.full_clean()
    assert step.duration_seconds == 30


@pytest.mark.parametrize("seconds", [20, 30, 45])
def test_a_stretch_may_last_twenty_to_forty_five_seconds(seconds):
    step = ChecklistStepFactory.build(
        checklist=ChecklistFactory(), kind=StepKind.STRETCH, duration_seconds=seconds
    )
    step.full_clean()


@pytest.mark.parametrize("seconds", [19, 46, 600])
def test_a_stretch_outside_twenty_to_forty_five_seconds_is_refused(seconds):
    step = ChecklistStepFactory.build(
        checklist=ChecklistFactory(), kind=StepKind.STRETCH, duration_seconds=seconds
    )
    with pytest.raises(ValidationError, match="20 to 45 seconds"):
        step.full_clean()


def test_a_task_with_a_timer_is_refused():
    step = ChecklistStepFactory.build(
        checklist=ChecklistFactory(), kind=StepKind.TASK, duration_seconds=30
    )
    with pytest.raises(ValidationError, match="no timer"):
        step.full_clean()


def test_a_timed_activity_needs_its_length():
    step = ChecklistStepFactory.build(
        checklist=ChecklistFactory(), kind=StepKind.TIMED, duration_seconds=None
    )
    with pytest.raises(ValidationError, match="needs its length"):
        step.full_clean()


def test_the_database_refuses_a_timer_on_a_task():
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistStepFactory(kind=StepKind.TASK, duration_seconds=30)


def test_the_database_refuses_a_timed_step_without_a_duration():
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistStepFactory(kind=StepKind.TIMED, duration_seconds=None)


def test_a_checklist_may_not_take_the_slug_of_the_runs_page():
    with pytest.raises(ValidationError, match="page of its own"):
        ChecklistFactory.build(slug="runs").full_clean()


def test_a_checklist_with_steps_cannot_become_a_troubleshooter():
    step = ChecklistStepFactory()
    step.checklist.kind = "troubleshooter"
    with pytest.raises(ValidationError, match="has steps"):
        step.checklist.full_clean()


def test_a_troubleshooter_with_questions_cannot_become_a_checklist():
    question = TroubleshooterQuestionFactory()
    question.checklist.kind = "checklist"
    with pytest.raises(ValidationError, match="has questions"):
        question.checklist.full_clean()


def test_an_answer_that_both_ends_and_leads_on_is_reported():
    edges = [Edge(1, "a", 1, True)]
    problems = graph_problems(start=1, labels={1: "First"}, edges=edges)
    assert problems == ["The answer “a” to “First” both ends the questions and leads on: pick one."]


def test_duration_is_shown_as_minutes_and_seconds():
    assert ChecklistStep(duration_seconds=30).duration_display == "0:30"
    assert ChecklistStep(duration_seconds=600).duration_display == "10:00"


# --- runs


def test_a_member_has_at_most_one_open_run_per_checklist():
    user, checklist = UserFactory(), ChecklistFactory()
    ChecklistRun.objects.create(user=user, checklist=checklist)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistRun.objects.create(user=user, checklist=checklist)


def test_runs_for_user_never_include_another_members_runs():
    mine = ChecklistRun.objects.create(user=UserFactory(), checklist=ChecklistFactory())
    ChecklistRun.objects.create(user=UserFactory(), checklist=mine.checklist)
    assert list(ChecklistRun.objects.for_user(mine.user)) == [mine]


# --- answers and the graph


def test_an_answer_that_neither_ends_nor_leads_on_is_a_dead_end():
    answer = TroubleshooterAnswerFactory.build(
        question=TroubleshooterQuestionFactory(), ends=False, next_question=None
    )
    with pytest.raises(ValidationError, match="Dead end"):
        answer.full_clean()


def test_an_emergency_answer_always_ends_the_questions():
    question = TroubleshooterQuestionFactory()
    answer = TroubleshooterAnswerFactory.build(
        question=question,
        triage=Triage.EMERGENCY,
        ends=False,
        next_question=TroubleshooterQuestionFactory(checklist=question.checklist),
    )
    with pytest.raises(ValidationError, match="leads nowhere"):
        answer.full_clean()


@pytest.mark.parametrize("level", [Triage.EMERGENCY, Triage.URGENT])
def test_a_red_flag_answer_must_explain_itself(level):
    answer = TroubleshooterAnswerFactory.build(
        question=TroubleshooterQuestionFactory(), triage=level, advice="  "
    )
    with pytest.raises(ValidationError, match="what this red flag can mean"):
        answer.full_clean()


def test_the_database_refuses_a_red_flag_answer_without_its_explanation():
    with pytest.raises(IntegrityError), transaction.atomic():
        TroubleshooterAnswer.objects.create(
            question=TroubleshooterQuestionFactory(), text="x", triage=Triage.URGENT, ends=True
        )


def test_the_database_refuses_an_urgent_answer_that_leads_on():
    question = TroubleshooterQuestionFactory()
    following = TroubleshooterQuestionFactory(checklist=question.checklist)
    with pytest.raises(IntegrityError), transaction.atomic():
        TroubleshooterAnswer.objects.create(
            question=question,
            text="x",
            triage=Triage.URGENT,
            advice="A clot: call 111.",
            next_question=following,
        )


def test_the_next_question_must_be_in_the_same_troubleshooter():
    answer = TroubleshooterAnswerFactory.build(
        question=TroubleshooterQuestionFactory(), next_question=TroubleshooterQuestionFactory()
    )
    with pytest.raises(ValidationError, match="same troubleshooter"):
        answer.full_clean()


LABELS = {1: "First", 2: "Second", 3: "Third"}


def test_a_graph_that_ends_everywhere_has_no_problems():
    edges = [Edge(1, "a", 2, False), Edge(1, "b", 3, False), Edge(2, "c", 3, False)]
    edges.append(Edge(3, "d", None, True))
    assert graph_problems(start=1, labels=LABELS, edges=edges) == []


def test_a_loop_is_reported_with_its_route():
    edges = [Edge(1, "a", 2, False), Edge(2, "b", 3, False), Edge(3, "c", 2, False)]
    problems = graph_problems(start=1, labels=LABELS, edges=edges)
    assert problems == [
        "Loop: “Second” → “Third” → “Second” would ask the same questions for ever."
    ]


def test_an_answer_leading_nowhere_is_a_dead_end():
    edges = [Edge(1, "a", 2, False), Edge(2, "b", None, False), Edge(1, "c", 3, False)]
    edges.append(Edge(3, "d", None, True))
    problems = graph_problems(start=1, labels=LABELS, edges=edges)
    assert problems == [
        "Dead end: the answer “b” to “Second” neither leads to a question nor ends the questions."
    ]


def test_a_question_without_answers_is_a_dead_end():
    edges = [Edge(1, "a", 2, False), Edge(1, "b", 3, False), Edge(3, "d", None, True)]
    problems = graph_problems(start=1, labels=LABELS, edges=edges)
    assert problems == ["Dead end: the question “Second” has no answers."]


def test_a_question_nothing_leads_to_is_reported():
    edges = [Edge(1, "a", 2, False), Edge(2, "b", None, True), Edge(3, "c", None, True)]
    problems = graph_problems(start=1, labels=LABELS, edges=edges)
    assert problems == ["The question “Third” cannot be reached from the first question “First”."]


def test_a_link_out_of_the_troubleshooter_is_reported():
    edges = [Edge(1, "a", 99, False)]
    problems = graph_problems(start=1, labels={1: "First"}, edges=edges)
    assert problems == ["The answer “a” to “First” leads to a question of another troubleshooter."]


# --- the content fixture


def test_the_three_checklists_and_the_troubleshooter_load_and_validate(catalogue):
    assert list(Checklist.objects.values_list("slug", flat=True)) == [
        "before-your-run",
        "during-your-run",
        "after-your-run",
        TROUBLESHOOTER,
    ]
    for model in (Checklist, ChecklistStep, TroubleshooterAnswer):
        for item in model.objects.all():
            item.full_clean()


def test_after_your_run_has_a_cool_down_and_a_timed_stretch_per_muscle_group(catalogue):
    steps = list(Checklist.objects.get(slug="after-your-run").steps.all())
    assert steps[0].kind == StepKind.TIMED
    assert steps[0].duration_seconds == 600
    stretches = [step for step in steps if step.kind == StepKind.STRETCH]
    assert [step.text.split(":")[0] for step in stretches] == [
        "Quads",
        "Hamstrings",
        "Glutes",
        "Hips",
        "Back",
        "Arms and shoulders",
    ]
    assert {step.duration_seconds for step in stretches} == {30}
    texts = " ".join(step.text.lower() for step in steps)
    for words in ("water", "rest, ice", "massage", "diary"):
        assert words in texts


def test_before_your_run_starts_with_a_ten_minute_warm_up_and_links_pain_to_the_troubleshooter(
    catalogue,
):
    steps = list(Checklist.objects.get(slug="before-your-run").steps.all())
    assert steps[0].duration_seconds == 600
    pain = next(step for step in steps if "pain" in step.text.lower())
    assert pain.opens_checklist.slug == TROUBLESHOOTER
    assert all(step.tip_id for step in steps)


def test_the_troubleshooter_fixture_has_no_graph_problems(catalogue):
    tree = Troubleshooter(Checklist.objects.get(slug=TROUBLESHOOTER))
    edges = [
        Edge(a.question_id, a.text, a.next_question_id, a.ends)
        for question in tree.questions
        for a in question.answers.all()
    ]
    labels = {question.pk: question.text for question in tree.questions}
    assert graph_problems(start=tree.start.pk, labels=labels, edges=edges) == []


def test_the_troubleshooter_asks_every_topic_of_the_issue(catalogue):
    slugs = set(Checklist.objects.get(slug=TROUBLESHOOTER).questions.values_list("slug", flat=True))
    assert {
        "how-long",
        "one-or-both",
        "warning-signs",
        "recent-illness",
        "mileage-jump",
        "sleep",
        "water",
        "diet-iron",
        "warm-up",
    } <= slugs
    periods = TroubleshooterAnswer.objects.filter(
        question__slug="diet-iron", text__icontains="period"
    )
    assert periods.get().causes.filter(slug="iron-deficiency").exists()


def test_every_triage_level_is_reachable_in_the_fixture(catalogue):
    levels = set(TroubleshooterAnswer.objects.exclude(triage="").values_list("triage", flat=True))
    assert levels | {Triage.SELF_CARE} == set(Triage.values)


# --- results


def _answer(triage="", causes=()):
    answer = TroubleshooterAnswerFactory(triage=triage)
    answer.causes.set(causes)
    return answer


def test_result_ranks_causes_by_how_many_answers_point_at_them(catalogue):
    from legs.models import Cause

    sleep, iron, water = (
        Cause.objects.get(slug=slug) for slug in ["lack-of-sleep", "iron-deficiency", "dehydration"]
    )
    answers = [_answer(causes=[iron]), _answer(causes=[sleep, iron]), _answer(causes=[water])]
    result = Result.from_answers(answers)
    assert [(item.cause.slug, item.votes) for item in result.causes] == [
        ("iron-deficiency", 2),
        ("dehydration", 1),  # ties keep the catalogue's order: dehydration comes before sleep
        ("lack-of-sleep", 1),
    ]
    assert result.triage == Triage.SELF_CARE


def test_result_shows_the_most_severe_triage_and_lists_milder_ones_as_well():
    answers = [_answer(Triage.BLOOD_TEST), _answer(Triage.PHYSIO), _answer()]
    result = Result.from_answers(answers)
    assert result.triage == Triage.PHYSIO
    assert result.triage_reasons == [answers[1]]
    assert result.also == [Triage.BLOOD_TEST]


def test_questions_left_counts_the_longest_route_to_a_result():
    first = TroubleshooterQuestionFactory(order=1)
    short, long_a, long_b = (
        TroubleshooterQuestionFactory(checklist=first.checklist, order=n) for n in (2, 3, 4)
    )
    TroubleshooterAnswerFactory(question=first, next_question=short)
    TroubleshooterAnswerFactory(question=first, next_question=long_a)
    TroubleshooterAnswerFactory(question=short)
    TroubleshooterAnswerFactory(question=long_a, next_question=long_b)
    TroubleshooterAnswerFactory(question=long_b)
    tree = Troubleshooter(first.checklist)
    assert [tree.questions_left(q) for q in (first, short, long_a, long_b)] == [3, 1, 2, 1]


def test_questions_left_stops_at_a_loop_the_admin_would_refuse():
    first = TroubleshooterQuestionFactory(order=1)
    second = TroubleshooterQuestionFactory(checklist=first.checklist, order=2)
    TroubleshooterAnswerFactory(question=first, next_question=second)
    TroubleshooterAnswerFactory(question=second, next_question=first)
    # first, second, then first again where the loop closes: a number, not a RecursionError.
    assert Troubleshooter(first.checklist).questions_left(first) == 3
