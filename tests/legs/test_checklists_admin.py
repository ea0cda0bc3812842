import pytest
from django.urls import reverse

from legs.models import (
    Checklist,
    ChecklistRun,
    ChecklistStep,
    StepKind,
    Triage,
    TroubleshooterAnswer,
    TroubleshooterQuestion,
)
from tests.factories import (
    ChecklistRunFactory,
    TroubleshooterAnswerFactory,
    TroubleshooterQuestionFactory,
    UserFactory,
)
from tests.support import TROUBLESHOOTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, catalogue):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def question(slug):
    return TroubleshooterQuestion.objects.get(checklist__slug=TROUBLESHOOTER, slug=slug)


def question_form(q, answers=None, **changes):
    """The admin change form's POST for ``q`` as stored, with ``answers`` edited as dicts."""
    if answers is None:
        answers = [
            {
                "id": a.pk,
                "order": a.order,
                "text": a.text,
                "next_question": a.next_question_id or "",
                "ends": a.ends,
                "triage": a.triage,
                "advice": a.advice,
                "causes": [c.pk for c in a.causes.all()],
            }
            for a in q.answers.all()
        ]
    data = {
        "checklist": q.checklist_id if q.pk is None else "",
        "order": q.order,
        "slug": q.slug,
        "text": q.text,
        "help_text": q.help_text,
        "reached_from": "",
        "answers-TOTAL_FORMS": len(answers),
        "answers-INITIAL_FORMS": sum(1 for a in answers if a.get("id")),
        "answers-MIN_NUM_FORMS": 0,
        "answers-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    for index, values in enumerate(answers):
        for name, value in values.items():
            if name == "ends":
                if value:
                    data[f"answers-{index}-ends"] = "on"
            elif name == "DELETE":
                if value:
                    data[f"answers-{index}-DELETE"] = "on"
            else:
                data[f"answers-{index}-{name}"] = value if value is not None else ""
        data[f"answers-{index}-question"] = q.pk or ""
    return data


def change_url(q):
    return reverse("admin:legs_troubleshooterquestion_change", args=[q.pk])


def errors_of(response):
    assert response.status_code == 200, "the admin should show the form again"
    return response.content.decode()


def test_saving_an_unchanged_question_passes_the_graph_check(admin_client):
    q = question("sleep")
    response = admin_client.post(change_url(q), question_form(q))
    assert response.status_code == 302


def test_an_answer_that_loops_back_is_rejected_and_nothing_is_saved(admin_client):
    q = question("warm-up")
    data = question_form(q)
    data["answers-0-next_question"] = question("sleep").pk
    data.pop("answers-0-ends", None)
    html = errors_of(admin_client.post(change_url(q), data))
    assert "Loop:" in html
    assert "would ask the same questions for ever" in html
    assert TroubleshooterAnswer.objects.get(pk=data["answers-0-id"]).ends is True


def test_an_answer_leading_nowhere_is_rejected_as_a_dead_end(admin_client):
    q = question("sleep")
    data = question_form(q)
    data["answers-0-next_question"] = ""
    html = errors_of(admin_client.post(change_url(q), data))
    assert "Dead end" in html
    assert TroubleshooterAnswer.objects.get(pk=data["answers-0-id"]).next_question_id


def test_removing_the_only_way_to_a_question_is_rejected(admin_client):
    # Only "More than two weeks" leads to the tiredness question.
    q = question("how-long")
    data = question_form(q)
    index = next(i for i, a in enumerate(q.answers.all()) if a.text.startswith("More than"))
    data[f"answers-{index}-next_question"] = question("one-or-both").pk
    html = errors_of(admin_client.post(change_url(q), data))
    assert "cannot be reached from the first question" in html
    assert "Do you also feel tired" in html


def test_a_new_question_nothing_leads_to_is_rejected(admin_client):
    new = TroubleshooterQuestion(
        checklist=Checklist.objects.get(slug=TROUBLESHOOTER),
        slug="shoes",
        text="Old shoes?",
        order=20,
    )
    data = question_form(new, [{"order": 1, "text": "Yes", "ends": True}])
    response = admin_client.post(reverse("admin:legs_troubleshooterquestion_add"), data)
    assert "cannot be reached" in errors_of(response)
    assert not TroubleshooterQuestion.objects.filter(slug="shoes").exists()


def test_a_new_question_reached_from_an_answer_is_inserted_into_the_graph(admin_client):
    new = TroubleshooterQuestion(
        checklist=Checklist.objects.get(slug=TROUBLESHOOTER),
        slug="shoes",
        text="Old shoes?",
        order=20,
    )
    leading = TroubleshooterAnswer.objects.get(
        question__slug="warm-up", text__startswith="I warm up"
    )
    data = question_form(new, [{"order": 1, "text": "Yes, worn out", "ends": True}])
    data["reached_from"] = leading.pk
    response = admin_client.post(reverse("admin:legs_troubleshooterquestion_add"), data)
    assert response.status_code == 302
    leading.refresh_from_db()
    assert leading.next_question.slug == "shoes"
    assert leading.ends is False


def test_an_emergency_answer_cannot_be_made_to_lead_on(admin_client):
    new = TroubleshooterQuestion(
        checklist=Checklist.objects.get(slug=TROUBLESHOOTER), slug="more", text="More?", order=20
    )
    emergency = TroubleshooterAnswer.objects.filter(triage=Triage.EMERGENCY).first()
    data = question_form(new, [{"order": 1, "text": "Yes", "ends": True}])
    data["reached_from"] = emergency.pk
    html = errors_of(admin_client.post(reverse("admin:legs_troubleshooterquestion_add"), data))
    assert "always ends the questions" in html


def test_an_emergency_answer_is_saved_as_ending_the_questions(admin_client):
    q = question("sleep")
    data = question_form(q)
    data["answers-0-triage"] = Triage.URGENT
    data["answers-0-advice"] = "Can be a clot: call 111 today."
    data["answers-0-next_question"] = ""
    data["answers-0-ends"] = "on"
    response = admin_client.post(change_url(q), data)
    assert response.status_code == 302
    saved = TroubleshooterAnswer.objects.get(pk=data["answers-0-id"])
    assert saved.ends is True
    assert saved.triage == Triage.URGENT


def test_a_red_flag_answer_without_its_explanation_is_refused(admin_client):
    q = question("sleep")
    data = question_form(q)
    data["answers-0-triage"] = Triage.EMERGENCY
    data["answers-0-next_question"] = ""
    data["answers-0-ends"] = "on"
    html = errors_of(admin_client.post(change_url(q), data))
    assert "what this red flag can mean" in html
    assert not TroubleshooterAnswer.objects.filter(pk=data["answers-0-id"], triage="emergency")


def test_deleting_a_first_question_that_would_strand_another_is_refused(admin_client):
    first = TroubleshooterQuestionFactory(order=1)
    second = TroubleshooterQuestionFactory(checklist=first.checklist, order=2)
    third = TroubleshooterQuestionFactory(checklist=first.checklist, order=3)
    TroubleshooterAnswerFactory(question=first, next_question=second)
    TroubleshooterAnswerFactory(question=first, next_question=third)
    TroubleshooterAnswerFactory(question=second)
    TroubleshooterAnswerFactory(question=third)
    url = reverse("admin:legs_troubleshooterquestion_delete", args=[first.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert f"The question “{third.text}” cannot be reached" in response.content.decode()
    assert TroubleshooterQuestion.objects.filter(pk=first.pk).exists()


def test_deleting_a_whole_troubleshooter_takes_its_questions_with_it(admin_client):
    first = TroubleshooterQuestionFactory()
    second = TroubleshooterQuestionFactory(checklist=first.checklist)
    TroubleshooterAnswerFactory(question=first, next_question=second)
    TroubleshooterAnswerFactory(question=second)
    url = reverse("admin:legs_checklist_delete", args=[first.checklist.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not TroubleshooterQuestion.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_deleting_a_question_others_lead_to_is_refused(admin_client):
    q = question("sleep")
    url = reverse("admin:legs_troubleshooterquestion_delete", args=[q.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "protected related objects" in response.content.decode()
    assert TroubleshooterQuestion.objects.filter(pk=q.pk).exists()


def test_the_question_list_and_a_checklist_with_its_steps_open(admin_client):
    assert (
        admin_client.get(reverse("admin:legs_troubleshooterquestion_changelist")).status_code == 200
    )
    after = Checklist.objects.get(slug="after-your-run")
    html = admin_client.get(reverse("admin:legs_checklist_change", args=[after.pk])).content
    assert b"Quads" in html
    troubleshooter = Checklist.objects.get(slug=TROUBLESHOOTER)
    html = admin_client.get(reverse("admin:legs_checklist_change", args=[troubleshooter.pk]))
    assert b"Edit the questions and answers" in html.content


def test_the_checklist_admin_refuses_a_stretch_held_too_long(admin_client):
    after = Checklist.objects.get(slug="after-your-run")
    steps = list(after.steps.all())
    data = {
        "title": after.title,
        "slug": after.slug,
        "kind": after.kind,
        "summary": after.summary,
        "order": after.order,
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": len(steps),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for index, step in enumerate(steps):
        for name in [
            "id",
            "order",
            "text",
            "why",
            "kind",
            "duration_seconds",
            "tip",
            "opens_checklist",
        ]:
            value = getattr(step, f"{name}_id" if name in ("tip", "opens_checklist") else name)
            data[f"steps-{index}-{name}"] = "" if value is None else value
        data[f"steps-{index}-checklist"] = after.pk
    quads = next(i for i, s in enumerate(steps) if s.kind == StepKind.STRETCH)
    data[f"steps-{quads}-duration_seconds"] = 90
    url = reverse("admin:legs_checklist_change", args=[after.pk])
    html = errors_of(admin_client.post(url, data))
    assert "Hold a static stretch for 20 to 45 seconds." in html
    assert ChecklistStep.objects.get(pk=steps[quads].pk).duration_seconds == 30


def test_runs_are_read_only_in_the_admin(admin_client):
    run = ChecklistRunFactory(checklist=Checklist.objects.get(slug="after-your-run"))
    url = reverse("admin:legs_checklistrun_change", args=[run.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b'name="notes"' not in response.content
    admin_client.post(url, {"notes": "edited by staff"})
    run.refresh_from_db()
    assert run.notes == ""
    assert admin_client.get(reverse("admin:legs_checklistrun_add")).status_code == 403
    assert ChecklistRun.objects.count() == 1
