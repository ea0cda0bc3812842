"""A comment drawn alone, ``{% comment_article comment %}``, by `legs.comment_html`."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from legs import comment_html
from legs.models import Comment

register = template.Library()


@register.simple_tag
def comment_article(comment: Comment) -> SafeString:
    return comment_html.comment_article(comment)
