"""Widget attributes written in the template, so a form's hx- attributes sit beside its markup."""

from __future__ import annotations

import copy

from django import template
from django.forms import BoundField

register = template.Library()


@register.simple_tag
def with_attrs(field: BoundField, **attrs: str) -> BoundField:
    """The field again, its widget carrying `attrs` (``hx_post=`` becomes ``hx-post``).

    `{% with_attrs form.body hx_post=url as body %}{{ body|as_crispy_field }}`. The form's own
    field is left alone: the attributes go on a copy, so nothing leaks into another rendering.
    """
    own = copy.deepcopy(field.field)
    own.widget.attrs.update({name.replace("_", "-"): value for name, value in attrs.items()})
    return BoundField(field.form, own, field.name)
