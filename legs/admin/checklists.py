"""Checklist content, the troubleshooter's question graph, and members' runs (read-only).

The troubleshooter graph is checked as a whole before a question and its answers are saved:
the check runs on the graph as it would be after the save (this question's new answers, the
other questions as stored), so a change that would loop, dead-end or strand a question is
refused with the reason, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from config.admin_changelist import SafeChangeListMixin
from legs import formats
from legs.models import (
    Checklist,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    ChecklistStep,
    TroubleshooterAnswer,
    TroubleshooterQuestion,
)
from legs.troubleshooter import ENDING_TRIAGE, Edge, graph_problems

NEW = "new question"  # the graph key of a question that has no pk yet


class ChecklistStepInline(admin.StackedInline):
    model = ChecklistStep
    fk_name = "checklist"
    extra = 0
    fields = [
        ("order", "kind", "duration_seconds", "each_side"),
        "text",
        "why",
        ("tip", "opens_checklist"),
    ]


@admin.register(Checklist)
class ChecklistAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "order", "parts"]
    list_filter = ["kind"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["questions_link"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Checklist]:
        return (
            super()
            .get_queryset(request)
            .annotate(step_count=Count("steps", distinct=True))
            .annotate(question_count=Count("questions", distinct=True))
        )

    def get_inlines(self, request: HttpRequest, obj: Checklist | None) -> list[type]:
        return [] if obj is not None and obj.is_troubleshooter else [ChecklistStepInline]

    def get_fields(self, request: HttpRequest, obj: Checklist | None = None) -> list[str]:
        fields = ["title", "slug", "kind", "summary", "order"]
        if obj is not None and obj.is_troubleshooter:
            return [*fields, "questions_link"]
        return [*fields, "attaches_to_run"]

    @admin.display(description="Steps or questions")
    def parts(self, obj: Checklist) -> str:
        if obj.is_troubleshooter:
            return formats.plural(obj.question_count, "question")
        return formats.plural(obj.step_count, "step")

    @admin.display(description="Questions")
    def questions_link(self, obj: Checklist) -> str:
        url = reverse("admin:legs_troubleshooterquestion_changelist")
        return format_html(
            '<a href="{}?checklist__id__exact={}">Edit the questions and answers</a>', url, obj.pk
        )


class AnswerFormSet(BaseInlineFormSet):
    """Checks the whole troubleshooter graph as this save would leave it."""

    def clean(self) -> None:
        super().clean()
        question = self.instance
        if any(self.errors) or not question.checklist_id:
            return
        problems = graph_problems(
            **graph_after_edit(
                question,
                [form.instance for form in self.forms if _kept(form)],
                getattr(question, "reached_from", None),
            )
        )
        if problems:
            raise ValidationError(problems)


def _kept(form: forms.Form) -> bool:
    """A form that will be saved: filled in, and not ticked for deletion."""
    return bool(form.cleaned_data) and not form.cleaned_data.get("DELETE")


def _key(question: TroubleshooterQuestion) -> Hashable:
    return question.pk if question.pk is not None else NEW


def graph_after_edit(
    question: TroubleshooterQuestion,
    answers: Iterable[TroubleshooterAnswer],
    reached_from: TroubleshooterAnswer | None,
) -> dict[str, Any]:
    """The keyword arguments of ``graph_problems`` for the graph after saving ``question``.

    ``answers`` are its answers as the forms left them (unsaved; model clean() has run, so an
    emergency answer already ends); ``reached_from`` is an existing answer to point at it.
    """
    others = list(
        TroubleshooterQuestion.objects.filter(checklist_id=question.checklist_id).exclude(
            pk=question.pk
        )
    )
    this = _key(question)
    labels: dict[Hashable, str] = {other.pk: other.text for other in others}
    labels[this] = question.text or "(this question)"
    first = min(
        [*others, question],
        key=lambda item: (item.order, item.pk is None, item.pk or 0),
    )
    edges = []
    for answer in TroubleshooterAnswer.objects.filter(question__in=others):
        if reached_from is not None and answer.pk == reached_from.pk:
            edges.append(Edge(answer.question_id, answer.text, this, ends=False))
        else:
            edges.append(
                Edge(answer.question_id, answer.text, answer.next_question_id, answer.ends)
            )
    edges.extend(
        Edge(this, answer.text, answer.next_question_id, answer.ends) for answer in answers
    )
    return {"start": _key(first), "labels": labels, "edges": edges}


class AnswerInline(admin.TabularInline):
    model = TroubleshooterAnswer
    fk_name = "question"
    formset = AnswerFormSet
    fields = ["order", "text", "next_question", "ends", "triage", "advice", "causes"]
    extra = 0

    def get_extra(
        self, request: HttpRequest, obj: TroubleshooterQuestion | None = None, **kw: Any
    ) -> int:
        return 2 if obj is None else 0

    def get_formset(
        self, request: HttpRequest, obj: TroubleshooterQuestion | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        # Offer only this troubleshooter's questions as where an answer leads.
        field = formset.form.base_fields["next_question"]
        questions = TroubleshooterQuestion.objects.select_related("checklist")
        if obj is not None:
            questions = questions.filter(checklist_id=obj.checklist_id).exclude(pk=obj.pk)
        field.queryset = questions
        return formset


class AnswerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TroubleshooterAnswer) -> str:
        # Many answers read alike ("No", "Yes"): name the question too.
        return f"{obj.question.checklist}: {obj.question.text} → {obj.text}"


class QuestionAdminForm(forms.ModelForm):
    reached_from = AnswerChoiceField(
        queryset=TroubleshooterAnswer.objects.select_related("question__checklist").order_by(
            "question__checklist__order", "question__order", "order", "pk"
        ),
        required=False,
        label="Reached from",
        help_text=(
            "An existing answer to point at this question (it is changed when you save). "
            "A new question needs one, or nothing could lead to it."
        ),
    )

    class Meta:
        model = TroubleshooterQuestion
        fields = ["checklist", "order", "slug", "text", "help_text"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reached_from = cleaned.get("reached_from")
        checklist = cleaned.get("checklist") or getattr(self.instance, "checklist", None)
        if reached_from is not None:
            if checklist is not None and reached_from.question.checklist_id != checklist.pk:
                self.add_error("reached_from", "Pick an answer of the same troubleshooter.")
            elif reached_from.question_id == self.instance.pk and self.instance.pk is not None:
                self.add_error("reached_from", "An answer cannot lead back to its own question.")
            elif reached_from.triage in ENDING_TRIAGE:
                self.add_error(
                    "reached_from", "An emergency or urgent answer always ends the questions."
                )
        # The answers' formset checks the whole graph; Django hands it this same instance.
        self.instance.reached_from = reached_from if not self.has_error("reached_from") else None
        return cleaned


@admin.register(TroubleshooterQuestion)
class TroubleshooterQuestionAdmin(SafeChangeListMixin, admin.ModelAdmin):
    form = QuestionAdminForm
    inlines = [AnswerInline]
    list_display = ["text", "checklist", "order", "slug", "answer_count"]
    list_filter = ["checklist"]
    search_fields = ["text", "slug"]
    prepopulated_fields = {"slug": ["text"]}
    fields = ["checklist", "order", "slug", "text", "help_text", "reached_from"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TroubleshooterQuestion]:
        return (
            super()
            .get_queryset(request)
            .select_related("checklist")
            .annotate(answer_total=Count("answers"))
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: TroubleshooterQuestion | None = None
    ) -> list[str]:
        # Moving a question to another troubleshooter would strand the answers leading to it.
        return ["checklist"] if obj is not None else []

    @admin.display(description="Answers", ordering="answer_total")
    def answer_count(self, obj: TroubleshooterQuestion) -> int:
        return obj.answer_total

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        reached_from = form.cleaned_data.get("reached_from")
        if reached_from is not None:
            TroubleshooterAnswer.objects.filter(pk=reached_from.pk).update(
                next_question=form.instance, ends=False
            )

    def get_deleted_objects(
        self, objs: Iterable[TroubleshooterQuestion], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        """Refuse a delete that would strand other questions (e.g. removing the first one)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        doomed = {question.pk for question in objs}
        for checklist_id in {question.checklist_id for question in objs}:
            questions = list(TroubleshooterQuestion.objects.filter(checklist_id=checklist_id))
            answers = list(TroubleshooterAnswer.objects.filter(question__checklist_id=checklist_id))
            before = set(_problems(questions, answers))
            left = [question for question in questions if question.pk not in doomed]
            kept = [answer for answer in answers if answer.question_id not in doomed]
            protected.extend(problem for problem in _problems(left, kept) if problem not in before)
        return deleted, counts, perms_needed, protected


def _problems(
    questions: list[TroubleshooterQuestion], answers: list[TroubleshooterAnswer]
) -> list[str]:
    if not questions:
        return []
    return graph_problems(
        start=min(questions, key=lambda q: (q.order, q.pk)).pk,
        labels={question.pk: question.text for question in questions},
        edges=[Edge(a.question_id, a.text, a.next_question_id, a.ends) for a in answers],
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RunStepInline(ReadOnlyInline):
    model = ChecklistRunStep
    fields = ["step", "ticked_at"]
    readonly_fields = fields


class RunAnswerInline(ReadOnlyInline):
    model = ChecklistRunAnswer
    fields = ["position", "answer"]
    readonly_fields = fields


@admin.register(ChecklistRun)
class ChecklistRunAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Members' runs are theirs: the admin may look (e.g. to answer a support request), not edit."""

    list_display = ["checklist", "user", "started", "finished"]
    list_filter = ["checklist", ("finished", admin.EmptyFieldListFilter)]
    list_select_related = ["checklist", "user"]
    search_fields = ["user__username"]
    date_hierarchy = "started"
    inlines = [RunStepInline, RunAnswerInline]
    view_on_site = False  # a member's run has no page anyone else may see

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChecklistRun | None = None) -> bool:
        return False
