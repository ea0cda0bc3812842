"""Initial-letter avatars: ``{% avatar comment.name %}``, drawn by `legs.formats.avatar`."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from legs import formats

register = template.Library()


@register.simple_tag
def avatar(name: str) -> SafeString:
    return formats.avatar(name)
