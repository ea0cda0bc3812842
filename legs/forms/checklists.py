from __future__ import annotations

from typing import Any

from django import forms

from legs.models import ChecklistRun, TroubleshooterAnswer, TroubleshooterQuestion


class TickForm(forms.Form):
    """The hidden field behind each step's button: 1 ticks the step, 0 unticks it."""

    ticked = forms.TypedChoiceField(
        choices=[("1", "Tick"), ("0", "Untick")], coerce=lambda value: value == "1"
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
