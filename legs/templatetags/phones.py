"""Emergency and health-line numbers as tap-to-call links: ``{{ advice|call_links }}``.

The text around the numbers is escaped, so editors' text in the admin never brings markup.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

# The UK and European emergency numbers and the NHS's non-emergency line, as whole numbers
# only; the group keeps them in re.split's result, at the odd places.
PHONE_NUMBERS = re.compile(r"(?<!\w)(999|112|111)(?!\w)")


@register.filter
def call_links(text: str) -> SafeString:
    """``text`` escaped, with every 999, 112 and 111 in it a link to call that number."""
    pieces = PHONE_NUMBERS.split(str(text))
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<a href="tel:{0}">{0}</a>', piece) if index % 2 else piece,)
            for index, piece in enumerate(pieces)
        ),
    )
