"""The site's form renderer (config/forms.py) draws selects and inputs in Python: the markup
must be Django's own, byte for byte, escaping included."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from accounts.forms import ProfileForm
from config.forms import Renderer
from legs.forms.diary import CheckInForm, EffortForm, QuickRunForm, RunForm
from legs.forms.tips import TipFilterForm
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db

EVIL = '"><script>alert(1)</script>'


class Everything(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("Legs", [("a", "Calf <b>"), ("b", EVIL)]), ("c", "Plain")], required=False
    )
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    text = forms.CharField(widget=forms.TextInput(attrs={"data-x": EVIL, "autofocus": True}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(min_value=0, max_value=9, required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    off = forms.CharField(widget=forms.TextInput(attrs={"disabled": False}), required=False)


def forms_to_draw(member):
    run = RunFactory(user=member, source="fit", rpe=None, leg_heaviness=None)
    bad = {"date": EVIL, "distance_km": EVIL, "rpe": "11", "kind": EVIL, "sleep_hours": EVIL}
    return [
        QuickRunForm(user=member),
        QuickRunForm(bad, user=member),
        RunForm(user=member, instance=run),
        EffortForm(instance=run),
        EffortForm({"rpe": "3"}, instance=run),
        CheckInForm(user=member),
        CheckInForm(bad, user=member),
        TipFilterForm({"q": EVIL}),
        ProfileForm(instance=member),
        Everything(),
        Everything({"grouped": "b", "several": ["x", "y"], "text": EVIL, "hidden": EVIL}),
    ]


def test_every_widget_is_drawn_as_djangos_templates_draw_it(member):
    drawn = 0
    for form in forms_to_draw(member):
        form.is_bound and form.is_valid()
        for field in form:
            form.renderer = DjangoTemplates()
            expected = field.as_widget(attrs={"class": "form-select", "aria-describedby": EVIL})
            form.renderer = Renderer()
            assert field.as_widget(attrs={"class": "form-select", "aria-describedby": EVIL}) == (
                expected
            )
            assert str(field) == str(field.as_widget())
            drawn += 1
    assert drawn > 40


def test_the_site_uses_the_renderer(member):
    assert isinstance(QuickRunForm(user=member).renderer, Renderer)
