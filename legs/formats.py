"""Every display format of the site: days, counts, numbers, distances, paces, durations and
the commenters' initial-letter avatars.

Importable without Django set up (``django.utils.html`` escapes the avatar, and a comment's
time is put in the site's time zone only when it is written out), so the pure
modules (``legs.insights``, ``legs.charts``) write things the same way as views, forms, the CSV
and the template filters in ``legs/templatetags/``. Distances are stored in kilometres; the
conversions to and from the member's unit live here too. Units are the codes
``accounts.models.Units`` stores.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

KM_PER_MILE = 1.609344  # the international mile, exactly
MILES = "mi"
KILOMETRES = "km"
_EXACT_MILE = Decimal("1.609344")
# Distances are kept in km to 9 decimals: any distance typed with up to 3 decimals, in km or in
# miles (0.001 mi = 0.001609344 km), is stored exactly, so it can be written back as typed.
STORED_KM = Decimal("0.000000001")
_WRITTEN = Decimal("0.001")  # a CSV writes at most 3 decimals: 3.1 mi, 5.25 km, 42.195 km

# The avatar colours are CSS classes (.avatar-0 to .avatar-7 in site.css): the CSP forbids style="".
AVATAR_COLOURS = 8


# Days.


def day(value: date, *, weekday: bool = True, year: bool = True) -> str:
    """Messages write "Mon 3 Feb 2025", an insight "Mon 3 Feb", a chart's axis "3 Feb"."""
    text = f"{value.day} {value:%b}"
    if weekday:
        text = f"{value:%a} {text}"
    return f"{text} {value:%Y}" if year else text


def machine_time(value: datetime) -> str:
    """A `<time datetime>` value: to the second with its UTC offset, "2026-03-01T09:05:00+00:00"
    (the W3C checker refuses Django's "c" format's microseconds)."""
    return value.isoformat(timespec="seconds")


def comment_time(value: datetime) -> str:
    """When a comment was posted, as its thread shows it: "4 Mar 2026, 19:38", in the site's
    time zone."""
    value = localtime(value)
    return f"{value.day} {value:%b %Y, %H:%M}"


def month(value: date, *, short: bool = False) -> str:
    """A month as pages name it, "March 2025", or on a chart's axis "Mar 2025"."""
    return f"{value:%b %Y}" if short else f"{value:%B %Y}"


# Counts and numbers.


def plural(count: int, word: str, plural_word: str = "") -> str:
    """A count and its noun, "1 run", "2 runs"; irregular plurals are given:
    ``plural(3, "activity", "activities")``."""
    return f"{count} {word if count == 1 else plural_word or word + 's'}"


def plain_number(value: Decimal | float | None) -> str:
    """A number without trailing zeros or exponent: 7.50 -> "7.5", 500.000 -> "500"; None -> ""."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def score(value: float | None, *, places: int = 1) -> str:
    """A mean on a 0-10 scale, "4.3/10"; None (nothing rated) -> ""."""
    return "" if value is None else f"{value:.{places}f}/10"


# Distances.


def km_to(km: Decimal | float, unit: str) -> float:
    """Kilometres in the member's unit."""
    return float(km) / KM_PER_MILE if unit == MILES else float(km)


def km_from(value: Decimal, unit: str) -> Decimal:
    """A distance typed in `unit` (km or mi) as the kilometres stored: exact for anything typed
    with up to 3 decimals (3.1 mi -> 4.9889664 km)."""
    km = value * _EXACT_MILE if unit == MILES else value
    return km.quantize(STORED_KM, rounding=ROUND_HALF_UP)


def _written_in(km: Decimal, unit: str) -> Decimal | None:
    """The stored distance in `unit` with at most 3 decimals, if that is exactly what was
    stored (so reading it back gives the same kilometres); None otherwise."""
    km = Decimal(km)
    value = (km / _EXACT_MILE if unit == MILES else km).quantize(_WRITTEN, rounding=ROUND_HALF_UP)
    return value if km_from(value, unit) == km else None


def distance(km: Decimal | float | None, unit: str, *, places: int = 2) -> str:
    """5 (km) -> "5.00 km", or "3.11 mi" for a member who prefers miles; None -> "".

    Pages show two decimals; the insights quote whole-week figures with ``places=1``."""
    if km is None:
        return ""
    return f"{km_to(km, unit):.{places}f} {unit}"


def distance_input(km: Decimal, unit: str) -> Decimal:
    """A stored distance as the run form shows it for editing: as it was typed when the unit
    states it exactly (3.1 mi, 42.195 km), otherwise miles to 2 decimals (3.11)."""
    exact = _written_in(km, unit)
    if exact is not None:
        return Decimal(plain_number(exact))
    return Decimal(str(round(km_to(km, unit), 2)))


def distance_export(km: Decimal, unit: str) -> tuple[str, str]:
    """A stored distance for the CSV, as (number, unit): in the member's `unit` when at most 3
    decimals state it exactly (a run typed as 3.1 mi is "3.1" mi), else in the unit it was
    typed in (42.195 km in a miles file stays "42.195" km), else in km as stored. The import
    reads each row's own unit, so the round trip always lands on the kilometres stored."""
    other = KILOMETRES if unit == MILES else MILES
    for candidate in (unit, other):
        exact = _written_in(km, candidate)
        if exact is not None:
            return plain_number(exact), candidate
    return plain_number(Decimal(km)), KILOMETRES


# Times.


def minutes_seconds(seconds: float) -> str:
    """A stopwatch reading, "m:ss", minutes not capped at 60: 30 -> "0:30", 3600 -> "60:00"."""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def pace(seconds: float | None, unit: str = "") -> str:
    """Seconds per km or mile: "5:30", or "5:30 /km" given the unit; None (no distance) -> ""."""
    if seconds is None:
        return ""
    text = minutes_seconds(seconds)
    return f"{text} /{unit}" if unit else text


def duration(value: timedelta | None) -> str:
    """How long a run took, as pages show it: "45:30" under an hour, "1:05:30" from an hour."""
    if value is None:
        return ""
    hours, rest = divmod(round(value.total_seconds()), 3600)
    return duration_hms(value) if hours else minutes_seconds(rest)


def duration_hms(value: timedelta | None) -> str:
    """Always "h:mm:ss", hours not padded ("0:45:30"): what the run form and the CSV write,
    so a time read back parses the same whatever its length."""
    if value is None:
        return ""
    hours, rest = divmod(round(value.total_seconds()), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


# Names.


def avatar(name: str) -> SafeString:
    """A coloured circle with the first letter or digit of the commenter's name ("?" if none);
    the same name, whatever its case or surrounding spaces, always gets the same colour."""
    return format_html(
        '<span class="avatar avatar-{}" aria-hidden="true">{}</span>',
        _avatar_colour(name),
        next((char.upper() for char in name if char.isalnum()), "?"),
    )


def _avatar_colour(name: str) -> int:
    digest = hashlib.blake2s(name.strip().lower().encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") % AVATAR_COLOURS


# The UK and European emergency numbers and the NHS's non-emergency line, as whole numbers
# only; the group keeps them in re.split's result, at the odd places.
PHONE_NUMBERS = re.compile(r"(?<!\w)(999|112|111)(?!\w)")


def call_links(text: str) -> SafeString:
    """``text`` escaped, with every 999, 112 and 111 in it a link to call that number (editors'
    text from the admin never brings markup)."""
    pieces = PHONE_NUMBERS.split(str(text))
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<a href="tel:{0}">{0}</a>', piece) if index % 2 else piece,)
            for index, piece in enumerate(pieces)
        ),
    )
