"""A tip card's contents in the tips lists, drawn in Python.

A list shows a few dozen cards, each with three to six links: as template code their variable
lookups and reverse() calls were most of the tips list's time. tests/legs/test_tip_cards.py
compares a card with the template it replaces.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from legs.links import url_with
from legs.models import Tip

register = template.Library()


def _causes(tip: Tip) -> SafeString:
    causes = tip.causes.all()
    if not causes:
        return ""
    return format_html(
        '<p class="small mb-0"><span class="text-body-secondary">Helps with:</span> {}</p>',
        format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((url_with("cause_detail", cause.slug), cause.name) for cause in causes),
        ),
    )


def _comments(tip: Tip, url: str) -> SafeString:
    count = getattr(tip, "comment_count", None)  # annotated by the lists that show it
    if count is None:
        return ""
    return format_html(
        '<p class="small mb-0 mt-2"><a class="text-body-secondary" href="{}#comments">'
        "{} comment{}</a></p>",
        url,
        count,
        pluralize(count),
    )


@register.filter
def tip_card_body(tip: Tip) -> SafeString:
    """Title, summary, evidence, source, causes and comment count (tip with source and causes
    loaded with it)."""
    url = url_with("tip_detail", tip.slug)
    return format_html(
        '<h3 id="tip-{}-title" class="h5 card-title"><a href="{}">{}</a></h3>'
        '<p class="card-text">{}</p><p class="small mb-2">'
        '<span class="badge evidence-badge evidence-{}">{}</span> '
        '<span class="text-body-secondary">From <a class="text-body-secondary" href="{}">{}</a>'
        "</span></p>{}{}",
        tip.pk,
        url,
        tip.title,
        tip.summary,
        tip.evidence,
        tip.get_evidence_display(),
        url_with("source_detail", tip.source.slug),
        tip.source.site,
        _causes(tip),
        _comments(tip, url),
    )
