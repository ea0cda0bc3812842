"""Form fields drawn with Bootstrap 5's markup, in Python.

`{{ form.date|as_field }}` and `{{ form|as_fields }}` give crispy-forms' bootstrap5 markup (the
same wrapper ids and classes, labels and asterisks, error and help-text ids, aria attributes;
tests/legs/test_fields.py compares them) without its dozen nested templates per field, which
cost several milliseconds per form. The widget itself is still Django's (config/forms.py).
"""

from __future__ import annotations

import copy

from django import forms, template
from django.forms import BoundField
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from config.forms import attrs_html

register = template.Library()


@register.simple_tag
def with_attrs(field: BoundField, **attrs: str) -> BoundField:
    """The field again, its widget carrying `attrs` (``hx_post=`` becomes ``hx-post``).

    `{% with_attrs form.body hx_post=url as body %}{{ body|as_field }}`. The form's own
    field is left alone: the attributes go on a copy, so nothing leaks into another rendering.
    """
    own = copy.deepcopy(field.field)
    own.widget.attrs.update({name.replace("_", "-"): value for name, value in attrs.items()})
    return BoundField(field.form, own, field.name)


def asterisk(field: BoundField) -> SafeString:
    return format_html('<span class="{}">*</span>', "asteriskField") if field.field.required else ""


def required_class(field: BoundField) -> str:
    return " requiredField" if field.field.required else ""


def errors_html(field: BoundField) -> SafeString:
    if not field.errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
        ),
    )


def help_html(field: BoundField) -> SafeString:
    # Help texts are the developers' words, escaped like any text: none holds markup.
    if not field.help_text:
        return ""
    if not field.auto_id:
        return format_html('<div class="form-text">{}</div>', field.help_text)
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
    )


def widget_html(field: BoundField, css: str) -> SafeString:
    """The widget with crispy's classes: its own class, its widget's name, then `css`."""
    widget = field.field.widget
    name = type(widget).__name__.lower()
    own = widget.attrs.get("class", "")
    classes = (f"{own} {name}" if name not in own else own) if own else name
    for extra in f"{css} is-invalid".split() if field.errors else css.split():
        if extra not in classes.split():
            classes += f" {extra}"
    return field.as_widget(attrs={"class": classes})


def wrapper(field: BoundField, css: str, inner: SafeString) -> SafeString:
    classes = f"{css} {field.css_classes()}" if field.css_classes() else css
    return format_html('<div id="div_{}" class="{}">{}</div>', field.auto_id, classes, inner)


def label_html(field: BoundField) -> SafeString:
    if not field.label:
        return ""
    return format_html(
        '<label{} class="form-label{}">{}{}</label>',
        format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
        required_class(field),
        field.label,
        asterisk(field),
    )


def checkbox_html(field: BoundField) -> SafeString:
    inner = format_html(
        '{}<label for="{}" class="form-check-label{}">{}{}</label>{}{}',
        widget_html(field, "form-check-input"),
        field.id_for_label,
        required_class(field),
        field.label,
        asterisk(field),
        errors_html(field),
        help_html(field),
    )
    return format_html('<div class="mb-3">{}</div>', wrapper(field, "form-check", inner))


def choices_html(field: BoundField) -> SafeString:
    """Radio buttons or checkboxes in a fieldset whose legend is the label."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    options = [
        option
        for _, group, _ in widget.optgroups(
            field.html_name, widget.format_value(field.value()), attrs
        )
        for option in group
    ]
    invalid = " is-invalid" if field.errors else ""
    boxes = format_html_join(
        "",
        '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" '
        'value="{}"{}><label for="{}" class="form-check-label">{}</label>{}</div>',
        (
            (
                option["type"],
                invalid,
                field.html_name,
                localize(option["value"], use_l10n=False),
                attrs_html(option["attrs"]),
                option["attrs"].get("id", ""),
                localize(option["label"], use_l10n=False),
                errors_html(field) if number == len(options) else "",
            )
            for number, option in enumerate(options, 1)
        ),
    )
    described = field.aria_describedby
    legend = format_html(
        '<fieldset{}><legend class="form-label{} fs-6">{}{}</legend>',
        format_html(' aria-describedby="{}"', described) if described else "",
        required_class(field),
        field.label,
        asterisk(field),
    )
    inner = format_html(
        "{}<div>{}</div>{}{}",
        legend if field.label else "",
        boxes,
        help_html(field),
        format_html("</{}>", "fieldset") if field.label else "",
    )
    return wrapper(field, "mb-3", inner)


def file_html(field: BoundField) -> SafeString:
    """A file input without an initial file (uploads only ever start empty here)."""
    widget = field.field.widget
    own = widget.attrs.get("class")
    invalid = " is-invalid" if field.errors else ""
    inner = format_html(
        "{}<div{}>{}{}{}</div>",
        label_html(field),
        format_html(' class="{}"', "is-invalid") if field.errors else "",
        field.as_widget(attrs={"class": f"form-control{f' {own}' if own else ''}{invalid}"}),
        errors_html(field),
        help_html(field),
    )
    return wrapper(field, "mb-3", inner)


@register.filter
def as_field(field: BoundField) -> SafeString:
    """One field as crispy's bootstrap5/field.html draws it."""
    widget = field.field.widget
    if field.is_hidden:
        return field.as_widget()
    if isinstance(widget, forms.CheckboxInput):
        return checkbox_html(field)
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple too
        return choices_html(field)
    if isinstance(widget, forms.FileInput):
        return file_html(field)
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    inner = format_html(
        "{}{}{}{}", label_html(field), widget_html(field, css), errors_html(field), help_html(field)
    )
    return wrapper(field, "mb-3", inner)


@register.filter
def as_fields(form: forms.BaseForm) -> SafeString:
    """A whole form as crispy's `|crispy` draws it: its own errors, then every field."""
    errors = form.non_field_errors()
    alert = (
        format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((error,) for error in errors)),
        )
        if errors
        else ""
    )
    return format_html("{}{}", alert, format_html_join("", "{}", ((as_field(f),) for f in form)))
