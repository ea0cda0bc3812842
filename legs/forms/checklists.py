from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Q

from accounts.models import StretchHold, User
from legs import formats
from legs.models import ChecklistRun, Run, TroubleshooterAnswer, TroubleshooterQuestion
from legs.models.diary import member_today

# How far back the runs offered for linking go: an After-your-run checklist goes with a run of
# the same day or so; a month leaves room for logging late without a list that never ends.
LINK_DAYS = 30


class TickForm(forms.Form):
    """The hidden field behind each step's button: 1 ticks the step, 0 unticks it."""

    ticked = forms.TypedChoiceField(
        choices=[("1", "Tick"), ("0", "Untick")], coerce=lambda value: value == "1"
    )


class StretchHoldForm(forms.Form):
    """The runner's hold for every stretch: one of the three the article's range allows."""

    hold = forms.TypedChoiceField(
        label="Hold each stretch for",
        choices=StretchHold.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how long to hold each stretch: 20, 30 or 45 seconds.",
            "invalid_choice": "Hold each stretch for 20, 30 or 45 seconds: choose one of those.",
        },
    )


class AnswerForm(forms.Form):
    """One troubleshooter question as radio buttons; only that question's answers are valid."""

    answer = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the answer that fits best.",
            "invalid_choice": "Choose one of the answers shown.",
        },
    )

    def __init__(self, *args: Any, question: TroubleshooterQuestion, **kwargs: Any) -> None:
        # Ids unique to the question: htmx carries attributes over between elements of the same
        # id when it swaps, which must not happen between two different questions' radios.
        kwargs.setdefault("auto_id", f"id_{question.slug}_%s")
        super().__init__(*args, **kwargs)
        # The answers come from the troubleshooter already loaded: no query per form.
        self.answers = {answer.pk: answer for answer in question.answers.all()}
        field = self.fields["answer"]
        field.label = question.text
        field.help_text = question.help_text
        field.choices = [(pk, answer.text) for pk, answer in self.answers.items()]

    def clean_answer(self) -> TroubleshooterAnswer:
        return self.answers[self.cleaned_data["answer"]]


class ChecklistRunNotesForm(forms.ModelForm):
    class Meta:
        model = ChecklistRun
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"notes": "How it went, how your legs felt. Only you can see this."}


class DiaryRunChoiceField(forms.ModelChoiceField):
    """Diary runs named as the member reads them: date, distance in their unit, kind."""

    unit = "km"

    def label_from_instance(self, obj: Run) -> str:
        return (
            f"{formats.day(obj.date)}: {formats.distance(obj.distance_km, self.unit)} "
            f"{obj.get_kind_display().lower()}"
        )


class ChecklistRunLinkForm(forms.Form):
    """Link a checklist run to one of the member's recent diary runs, or (left empty) unlink it.

    The choices are the member's own runs of the last LINK_DAYS days, and the run linked now, so
    someone else's run id is an invalid choice with a message, never a link.
    """

    diary_run = DiaryRunChoiceField(
        queryset=Run.objects.none(),
        required=False,
        label="Your run",
        empty_label="Not linked to a run",
        help_text=f"Your runs of the last {LINK_DAYS} days, newest first.",
        error_messages={
            "invalid_choice": f"Choose one of your own runs of the last {LINK_DAYS} days."
        },
    )

    def __init__(self, *args: Any, user: User, checklist_run: ChecklistRun, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"diary_run": checklist_run.diary_run_id})
        super().__init__(*args, **kwargs)
        recent = Q(date__gte=member_today(user) - timedelta(days=LINK_DAYS))
        if checklist_run.diary_run_id:
            recent |= Q(pk=checklist_run.diary_run_id)
        field = self.fields["diary_run"]
        field.queryset = Run.objects.for_user(user).filter(recent)
        field.unit = user.units
