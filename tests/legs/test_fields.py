"""legs/templatetags/fields.py draws fields as crispy-forms' bootstrap5 pack does: the same
elements, classes, ids, labels, errors, help texts and aria attributes, escaping included."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from accounts.forms import ProfileForm, SignUpForm
from legs.forms.checklists import AnswerForm, ChecklistRunNotesForm, StretchHoldForm
from legs.forms.diary import CheckInForm, ImportForm, QuickRunForm, RunForm
from legs.forms.tips import TipFilterForm
from legs.forms.trials import TrialStartForm
from legs.models import TroubleshooterQuestion
from legs.templatetags.fields import as_field, as_fields

pytestmark = pytest.mark.django_db

EVIL = '"><script>alert(1)</script>'


class Everything(forms.Form):
    text = forms.CharField(label=f"Text {EVIL}", help_text="Help: letters & digits.")
    number = forms.IntegerField(min_value=0, max_value=9, required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    pick = forms.ChoiceField(choices=[("a", "A"), ("b", EVIL)], help_text="Pick one.")
    words = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "big"}))
    tick = forms.BooleanField(help_text="Ticked or not.")
    optional_tick = forms.BooleanField(required=False)
    radio = forms.ChoiceField(
        choices=[("1", "One"), ("2", EVIL)], widget=forms.RadioSelect, help_text="Choose."
    )
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    upload = forms.FileField(help_text="A file.")

    def clean(self):
        raise forms.ValidationError(f"Whole form {EVIL}")


def crispy_field(field) -> str:
    return Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}").render(
        Context({"field": field})
    )


def crispy_form(form) -> str:
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def form_makers(member):
    question = TroubleshooterQuestion.objects.prefetch_related("answers").first()
    bad = {"date": EVIL, "distance_km": EVIL, "rpe": "11", "kind": EVIL, "sleep_hours": EVIL}
    makers = [
        lambda: Everything(),
        lambda: Everything({"text": EVIL, "pick": "c", "radio": "9", "boxes": ["x", "z"]}),
        lambda: Everything({"radio": "2", "boxes": ["x", "y"], "tick": "on", "hidden": EVIL}),
        lambda: QuickRunForm(user=member),
        lambda: QuickRunForm(bad, user=member),
        lambda: RunForm(user=member),
        lambda: CheckInForm(user=member),
        lambda: CheckInForm({**bad, "recovery_actions": [EVIL]}, user=member),
        lambda: TipFilterForm({"q": EVIL * 10, "phase": EVIL}),
        lambda: ProfileForm(instance=member),
        lambda: ProfileForm({"email": EVIL, "time_zone": EVIL}, instance=member),
        lambda: SignUpForm(),
        lambda: ImportForm(),
        lambda: ImportForm({}, {}),
        lambda: TrialStartForm(),
        lambda: TrialStartForm({"tip": EVIL, "length_days": EVIL}),
        lambda: StretchHoldForm({"hold": "3"}),
        lambda: ChecklistRunNotesForm(),
    ]
    assert question, "the catalogue holds the troubleshooter"
    makers += [
        lambda: AnswerForm(question=question),
        lambda: AnswerForm({"answer": EVIL}, question=question),
    ]
    return makers


def test_every_field_is_drawn_as_crispy_draws_it(member, catalogue):
    compared = 0
    for make in form_makers(member):
        ours, theirs = make(), make()
        ours.is_bound and ours.is_valid()
        theirs.is_bound and theirs.is_valid()
        for our_field, their_field in zip(ours, theirs, strict=True):
            assert parse_html(as_field(our_field)) == parse_html(crispy_field(their_field)), (
                our_field.name
            )
            compared += 1
        assert parse_html(as_fields(make_bound(make))) == parse_html(crispy_form(make_bound(make)))
    assert compared > 60


def make_bound(make):
    form = make()
    form.is_bound and form.is_valid()
    return form


def test_user_text_is_escaped():
    form = Everything({"text": EVIL, "radio": EVIL})
    form.is_valid()
    html = as_fields(form)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_errors_and_help_are_tied_to_the_widget():
    form = Everything({"text": ""})
    form.is_valid()
    html = as_field(form["text"])
    assert 'aria-describedby="id_text_helptext id_text_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="textinput form-control is-invalid"' in html
    assert '<p id="error_1_id_text"><strong>This field is required.</strong></p>' in html
    assert '<span class="asteriskField">*</span>' in html
