"""The tips list's query string (?q=, ?phase=, ?cause=), validated so bad values never 500."""

from __future__ import annotations

from typing import Any

from django import forms

from legs.models import Cause, Phase

QUERY_MAX_LENGTH = 100


class TipFilterForm(forms.Form):
    """Filters for /tips/. A bad value is dropped (the list shows unfiltered) and explained.

    Each field's error message is written for the reader, because the list page shows it as
    the reason that filter was ignored.
    """

    q = forms.CharField(
        label="Search tips, answers and facts",
        max_length=QUERY_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "e.g. stretch, sleep, iron",
                "autocomplete": "off",
                "aria-controls": "tip-results",
            }
        ),
        error_messages={
            "max_length": (
                f"Your search was longer than {QUERY_MAX_LENGTH} characters, so it was ignored: "
                "try a word or two."
            )
        },
    )
    phase = forms.ChoiceField(
        label="When",
        choices=[("", "Any time"), *Phase.choices],
        required=False,
        widget=forms.Select(attrs={"aria-controls": "tip-results"}),
        error_messages={
            "invalid_choice": (
                "There is no phase called “%(value)s”, so tips for every phase are shown."
            )
        },
    )
    cause = forms.ModelChoiceField(
        label="Cause",
        queryset=Cause.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any cause",
        widget=forms.Select(attrs={"aria-controls": "tip-results"}),
        error_messages={
            "invalid_choice": (
                "We have no cause called “%(value)s”, so tips for every cause are shown."
            )
        },
    )

    def valid_filters(self) -> dict[str, Any]:
        """The filters that passed validation, empty ones left out; the others are ignored."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def notices(self) -> list[str]:
        """Why a filter was ignored, one sentence per bad field."""
        self.is_valid()
        return [message for errors in self.errors.values() for message in errors]

    @classmethod
    def showing(cls, filters: dict[str, Any]) -> TipFilterForm:
        """An unbound form that displays `filters`, so the page never shows a bad value back."""
        initial = {**filters}
        if "cause" in initial:
            initial["cause"] = initial["cause"].slug
        return cls(initial=initial)

    @staticmethod
    def query_params(filters: dict[str, Any]) -> dict[str, str]:
        """The query string that reproduces `filters` (shareable, no empty parameters)."""
        params = {**filters}
        if "cause" in params:
            params["cause"] = params["cause"].slug
        return {name: params[name] for name in ("q", "phase", "cause") if name in params}
