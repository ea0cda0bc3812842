"""The site's form renderer (config/forms.py) draws selects and inputs in Python: the markup
must be Django's own, byte for byte, escaping included."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from accounts.forms import ProfileForm
from config.forms import Renderer, StaticChoiceField, StaticSelect
from legs.forms.checklists import ChecklistRunNotesForm
from legs.forms.diary import CheckInForm, EffortForm, ImportForm, QuickRunForm, RunForm
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
    words = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tick = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)


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
        Everything(
            {"grouped": "b", "several": ["x", "y"], "text": EVIL, "hidden": EVIL, "words": EVIL}
        ),
        Everything({"words": "", "tick": "on"}),
        ImportForm(),
        ImportForm({}, {}),
        ChecklistRunNotesForm({"notes": EVIL}),
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


class Zones(forms.Form):
    zone = StaticChoiceField(choices=[("a", "A <b>"), (EVIL, EVIL), ("Europe/Paris", "Paris")])


def plain_select(form: forms.Form) -> str:
    """The same field drawn by a plain Select, nothing kept."""
    field = form["zone"]
    return field.as_widget(widget=forms.Select(choices=field.field.choices))


@pytest.mark.parametrize("value", ["Europe/Paris", "a", EVIL, "not a zone", ""])
def test_a_static_select_is_drawn_as_a_plain_select(value):
    for _ in range(2):  # drawn, then given again from what was kept
        form = Zones({"zone": value})
        assert form["zone"].as_widget() == plain_select(form)
    assert str(form["zone"]).count(" selected") == (value in {"Europe/Paris", "a", EVIL})
    assert "<b>" not in str(form["zone"])
    assert "<script>" not in str(form["zone"])


def test_a_static_select_keeps_each_value_apart():
    assert 'value="a" selected' in str(Zones({"zone": "a"})["zone"])
    paris = str(Zones({"zone": "Europe/Paris"})["zone"])
    assert 'value="Europe/Paris" selected' in paris
    assert 'value="a" selected' not in paris
    with_attrs = Zones({"zone": "a"})["zone"].as_widget(attrs={"class": "form-select"})
    assert 'class="form-select"' in with_attrs
    assert 'value="a" selected' in with_attrs


def test_a_static_select_keeps_a_few_drawings_at_most():
    for number in range(200):
        str(Zones({"zone": f"odd {number}"})["zone"])
    assert len(Zones.base_fields["zone"].widget.drawn) <= StaticSelect.KEPT


def test_the_profile_form_shares_its_time_zones(member):
    member.time_zone = "Europe/Paris"
    first, second = ProfileForm(instance=member), ProfileForm(instance=member)
    assert first.fields["time_zone"].choices is second.fields["time_zone"].choices
    html = str(second["time_zone"])
    assert html.count(" selected") == 1
    assert 'value="Europe/Paris" selected' in html
    bad = ProfileForm({"email": member.email, "time_zone": EVIL}, instance=member)
    assert not bad.is_valid()
    assert "time_zone" in bad.errors
    assert " selected" not in str(bad["time_zone"])
