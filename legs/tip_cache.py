"""What the tip page caches of the tip itself, and the stamp that retires it.

The tip's text, evidence and source, and its side cards (causes, related tips, "Did you
know?" facts) are the same for every reader, so they are drawn once and cached under the tip's
the content stamp (``ContentStamp``), read in the page's one tip query. The stamp is kept in the
database, not in a cache, so that every worker sees a write at once whatever cache it has. Every
save or delete of public content a tip page shows changes it for every tip's page (such writes
are rare, and a fact, cause or source shows on many tips' pages): the signals connected in
legs/apps.py.

Parts live in the `pages` cache alias with the public pages: bounded, and emptied with them.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from legs.models import Fact, Tip
from legs.models.tips import ContentStamp

TIMEOUT = 24 * 3600  # a retired stamp's parts only wait to expire


class Parts(NamedTuple):
    article: SafeString  # from the title to the source credit
    aside: SafeString  # the cards under the "Try it" box


def content_written(raw: bool = False, **kwargs) -> None:
    """post_save/post_delete of public content, m2m_changed of a tip's causes or related tips."""
    if raw:
        # A fixture's rows (load_content fills empty tables only): its tips come with new
        # stamps, and no other tip's page shows them.
        return
    ContentStamp.bump()


def _key(tip: Tip) -> str:
    # Dates are spelt in the current language.
    return ":".join(
        str(part) for part in ("tip", tip.pk, tip.content_stamp, translation.get_language())
    )


def parts(tip: Tip) -> Parts:
    """The tip's public parts: no query once cached, three the first time for each stamp."""
    key = _key(tip)
    found = caches["pages"].get(key)
    if found is None:
        tip.prefetch_links()
        context = {"tip": tip, "facts": Fact.objects.select_related("source").for_tip(tip)}
        found = Parts(
            article=render_to_string("legs/tips/detail_article.html", context),
            aside=render_to_string("legs/tips/detail_aside.html", context),
        )
        caches["pages"].set(key, found, TIMEOUT)
    return found
