"""Starting a trial of a tip. The owner and the start day are never fields: the view sets them."""

from __future__ import annotations

from typing import Any

from django import forms

from legs.models import Tip, Trial, TrialLength


class TrialStartForm(forms.ModelForm):
    """The tip (by its slug, as the tip page and the dashboard post it) and a length."""

    tip = forms.ModelChoiceField(
        queryset=Tip.objects.published(),
        to_field_name="slug",
        label="Tip to try",
        empty_label="Choose a tip",
        error_messages={
            "required": "Choose the tip to try.",
            "invalid_choice": "That tip is not in the catalogue. Choose one from the list.",
        },
    )
    length_days = forms.TypedChoiceField(
        choices=TrialLength.choices,
        coerce=int,
        label="For how long",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how long to try it: 7, 14, 21 or 28 days.",
            "invalid_choice": "Choose how long to try it: 7, 14, 21 or 28 days.",
        },
    )

    class Meta:
        model = Trial
        fields = ["tip", "length_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tip"].label_from_instance = lambda tip: tip.title
