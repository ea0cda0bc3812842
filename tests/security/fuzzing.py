"""What the Hypothesis tests send: bad values of every kind, and forms posted byte for byte.

Forms are posted as raw `application/x-www-form-urlencoded` bodies, so a value can be anything
a browser or a script could send: missing, repeated, empty, 10,000 characters long, NUL, a lone
surrogate (which no UTF-8 encoder makes, so it arrives as invalid bytes), raw binary.

Each example runs in a savepoint rolled back afterwards (`isolated`), so examples do not see
one another's rows and "before/after" counts are exact. FUZZ_EXAMPLES in the environment
raises the number of examples for a longer hunt, with fresh random inputs each time; without
it the examples are derandomised, the same on every run, so a red build is reproducible.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote_from_bytes

from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support import clear_caches

HUNTING = "FUZZ_EXAMPLES" in os.environ
fuzz = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=not HUNTING,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

Value = str | bytes
Fields = dict[str, list[Value]]

ODD_VALUES = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: sent as the bytes ED A0 80, which are not UTF-8
    "x\udfffy",
    "-1",
    "-0",
    "0",
    "1e308",
    "-1e308",
    "1e-400",
    "NaN",
    "inf",
    "-Infinity",
    "9" * 40,
    "1" + "0" * 400,
    "0x1F",
    "½",
    "٣",  # an Arabic-Indic digit three
    "１２",
    "²",
    "1,5",
    "1.5.5",
    " 7 ",
    "007",
    "true",
    "None",
    "[]",
    "{}",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1899-12-31",
    "1900-01-01",
    "2024-02-30",
    "2024-13-01",
    "31/12/2024",
    "-2024-01-01",
    "2024-01-01T00:00",
    "99:99:99",
    "1:75:00",
    "48:00:01",
    "-5:00",
    "0:00",
    "59:60",
    "1:00:00.5",
    "9" * 30 + ":00",
    "<script>alert(1)</script>",
    "\u202e",
    "😀" * 5,
]

huge_text = st.builds(
    lambda char, length: char * length,
    st.characters(),
    st.sampled_from([61, 81, 101, 255, 2001, 3001, 10_000]),
)
odd_value: st.SearchStrategy[Value] = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=30),
    huge_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
    st.dates().map(datetime.date.isoformat),
    st.binary(max_size=20),
)


def field(*good: st.SearchStrategy[Value] | Value) -> st.SearchStrategy[list[Value]]:
    """A form field's values: mostly one value, plausible or odd; sometimes none or several."""
    plausible = [item if isinstance(item, st.SearchStrategy) else st.just(item) for item in good]
    one = st.one_of(*plausible, *plausible, odd_value) if plausible else odd_value
    return st.one_of(
        one.map(lambda value: [value]),
        one.map(lambda value: [value]),
        one.map(lambda value: [value]),
        st.just([]),
        st.lists(one, min_size=2, max_size=3),
    )


def form(**fields: st.SearchStrategy[list[Value]]) -> st.SearchStrategy[Fields]:
    return st.fixed_dictionaries(fields)


def encode(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def form_body(fields: Fields) -> bytes:
    pairs = [
        f"{quote_from_bytes(encode(name))}={quote_from_bytes(encode(value))}"
        for name, values in fields.items()
        for value in values
    ]
    return "&".join(pairs).encode("ascii")


def post_form(client: Client, url: str, fields: Fields, **extra):
    return client.post(
        url, form_body(fields), content_type="application/x-www-form-urlencoded", **extra
    )


def query_string(fields: Fields) -> str:
    return form_body(fields).decode("ascii")


@contextmanager
def isolated() -> Iterator[None]:
    """One example: fresh rate-limit counters, and every row it writes rolled back after."""
    clear_caches()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_not_a_server_error(response) -> None:
    assert response.status_code < 500, response.status_code
