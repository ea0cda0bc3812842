"""The site's form renderer: Django's, with its plainest widget templates written in Python.

Django draws each widget from templates, and a <select> includes one template per <option>: the
11-step effort and heaviness scales cost more than the rest of a form together, and the forms
on the dashboard and the tips list were a third of those pages' time. These functions give the
same markup, byte for byte (tests/config/test_forms_renderer.py compares them with Django's own
templates); anything else still goes through the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
INPUT = "django/forms/widgets/input.html"
TEXTAREA = "django/forms/widgets/textarea.html"
CLEARABLE_FILE = "django/forms/widgets/clearable_file_input.html"
# The widgets whose template is nothing but an include of input.html.
INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "date",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "url",
    )
}


def attrs_html(attrs: Mapping[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html: True gives the bare name, False leaves it out."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, str(value)),
            )
            for name, value in attrs.items()
            if value is not False
        ),
    )


def input_html(widget: Mapping[str, Any]) -> SafeString:
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        attrs_html(widget["attrs"]),
    )


def textarea_html(widget: Mapping[str, Any]) -> SafeString:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        attrs_html(widget["attrs"]),
        widget["value"] or "",
    )


def clearable_file_html(widget: Mapping[str, Any]) -> SafeString | None:
    """None when there is a file already (its link and clear box stay the template's)."""
    if widget["is_initial"]:
        return None
    return format_html(
        '<input type="{}" name="{}"{}>',
        widget["type"],
        widget["name"],
        attrs_html(widget["attrs"]),
    )


def option_html(option: Mapping[str, Any]) -> SafeString:
    return format_html(
        '<option value="{}"{}>{}</option>',
        str(option["value"]),
        attrs_html(option["attrs"]),
        option["label"],
    )


def select_html(widget: Mapping[str, Any]) -> SafeString | None:
    """None when an option has a template of its own."""
    groups = []
    for group_name, group_choices, _ in widget["optgroups"]:
        if any(option["template_name"] != OPTION for option in group_choices):
            return None
        # Each option on its own line, as the option template's own newline leaves it.
        options = format_html_join("", "\n  {}\n", ((option_html(o),) for o in group_choices))
        if group_name:
            options = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, options)
        groups.append((options,))
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        attrs_html(widget["attrs"]),
        format_html_join("", "{}", groups),
    )


DRAWN: dict[str, Callable[[Mapping[str, Any]], SafeString | None]] = {
    SELECT: select_html,
    INPUT: input_html,
    TEXTAREA: textarea_html,
    CLEARABLE_FILE: clearable_file_html,
    **dict.fromkeys(INPUTS, input_html),
}


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict, request=None) -> str:
        draw = DRAWN.get(template_name)
        html = draw(context["widget"]) if draw else None
        if html is None:
            return super().render(template_name, context, request)
        return html


class StaticSelect(forms.Select):
    """A select whose choices never change (the ~400 time zones): each drawing is kept and given
    again for the same name, value and attributes, since drawing it is most of a page's time.

    The kept drawings are shared by the copies every form makes of its widgets (a shallow copy
    keeps the same dict); a few dozen at most, so odd values posted cannot make it grow.
    """

    KEPT = 64

    def __init__(self, attrs: dict | None = None, choices=()) -> None:
        super().__init__(attrs, choices)
        self.drawn: dict[tuple, str] = {}

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        try:
            key = (name, value, tuple(self.build_attrs(self.attrs, attrs).items()), renderer)
            html = self.drawn.get(key)
        except TypeError:  # an unhashable value or attribute: drawn every time
            return super().render(name, value, attrs, renderer)
        if html is None:
            if len(self.drawn) >= self.KEPT:
                self.drawn.clear()
            html = self.drawn[key] = super().render(name, value, attrs, renderer)
        return html


class StaticChoiceField(forms.ChoiceField):
    """A choice field whose choices are fixed at import: each form's copy of the field shares
    them (a ChoiceField deep-copies its choices for every form) and draws through StaticSelect."""

    widget = StaticSelect

    def __deepcopy__(self, memo: dict) -> StaticChoiceField:
        return forms.Field.__deepcopy__(self, memo)
