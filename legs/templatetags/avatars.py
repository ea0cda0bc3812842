"""Initial-letter avatars: a coloured circle with the first letter of the commenter's name."""

from __future__ import annotations

import hashlib

from django import template
from django.utils.html import format_html

register = template.Library()

# The colours are CSS classes (.avatar-0 to .avatar-7 in site.css): the CSP forbids style="".
AVATAR_COLOURS = 8


def initial(name: str) -> str:
    return next((char.upper() for char in name if char.isalnum()), "?")


def colour(name: str) -> int:
    """The same name always gets the same colour."""
    digest = hashlib.blake2s(name.strip().lower().encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") % AVATAR_COLOURS


@register.simple_tag
def avatar(name: str) -> str:
    return format_html(
        '<span class="avatar avatar-{}" aria-hidden="true">{}</span>', colour(name), initial(name)
    )
