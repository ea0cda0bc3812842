"""The tip card drawn in Python (legs/templatetags/tip_cards.py) is the card the template drew:
the same links, texts and escaping."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.html import parse_html

from legs.models import Tip
from legs.models.comments import with_comment_counts
from tests.factories import CauseFactory, SourceFactory, TipFactory

pytestmark = pytest.mark.django_db

EVIL = '"><script>alert(1)</script>'

# The card as its template drew it before.
OLD_CARD = Template(
    "{% load l10n %}{% localize off %}{# ids and counts printed as they are, not "
    "each through number formatting #}\n"
    '<article class="card tip-card h-100" aria-labelledby="tip-{{ tip.pk }}-title'
    '">\n'
    '<div class="card-body">\n'
    '<h3 id="tip-{{ tip.pk }}-title" class="h5 card-title"><a href="{{ tip.get_ab'
    'solute_url }}">{{ tip.title }}</a></h3>\n'
    '<p class="card-text">{{ tip.summary }}</p>\n'
    '<p class="small mb-2">\n'
    '<span class="badge evidence-badge evidence-{{ tip.evidence }}">{{ tip.get_ev'
    "idence_display }}</span>\n"
    '<span class="text-body-secondary">From <a class="text-body-secondary" href="'
    '{{ tip.source.get_absolute_url }}">{{ tip.source.site }}</a></span>\n'
    "</p>\n"
    "{% if tip.causes.all %}\n"
    '<p class="small mb-0"><span class="text-body-secondary">Helps with:</span>\n'
    '{% for cause in tip.causes.all %}<a href="{{ cause.get_absolute_url }}">{{ c'
    "ause.name }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}\n"
    "</p>\n"
    "{% endif %}\n"
    "{% if tip.comment_count is not None %}\n"
    '<p class="small mb-0 mt-2"><a class="text-body-secondary" href="{{ tip.get_a'
    'bsolute_url }}#comments">{{ tip.comment_count }} comment{{ tip.comment_count'
    "|pluralize }}</a></p>\n"
    "{% endif %}\n"
    "{% if saved_ids is not None and user.is_authenticated %}\n"
    '<div id="save-box-{{ tip.pk }}" class="tip-card-save mt-2" aria-live="polite'
    '">\n'
    '{% if tip.pk in saved_ids %}{% include "legs/tips/_save_box.html" with is_sa'
    'ved=True %}{% else %}{% include "legs/tips/_save_box.html" with is_saved=Fal'
    "se %}{% endif %}\n"
    "</div>\n"
    "{% endif %}\n"
    "</div>\n"
    "</article>{% endlocalize %}\n"
)


def tips():
    evil_cause = CauseFactory(name=EVIL)
    TipFactory(title=EVIL, summary=EVIL, source=SourceFactory(site=EVIL), causes=[evil_cause])
    TipFactory(causes=[CauseFactory(), evil_cause, CauseFactory()])
    TipFactory()
    return Tip.objects.published().prefetch_related("causes")


@pytest.mark.parametrize("counted", [False, True])
def test_a_tip_card_is_the_template_card(counted):
    listed = with_comment_counts(tips()) if counted else tips()
    for tip in listed:
        context = {"tip": tip, "saved_ids": None}
        card = render_to_string("legs/tips/_tip_card.html", context)
        assert parse_html(card) == parse_html(OLD_CARD.render(Context(context)))
        assert "<script>" not in card
        assert ("comment" in card) == counted
        # parse_html ignores the spaces between elements; a reader would not.
        assert "</span> <span" in card
        helps = '<span class="text-body-secondary">Helps with:</span> <a' in card
        assert helps == bool(tip.causes.all())
