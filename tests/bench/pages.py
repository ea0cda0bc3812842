"""What `make bench` measures: the data set it builds and the pages it requests.

Kept apart from the runner so a new page is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    member: str | None = None  # the username to log in as, or a visitor
    public: bool = True


def pages() -> list[Page]:
    return [
        Page("home", "/"),
        Page("privacy", "/privacy/"),
    ]


def build_small() -> None:
    """The small data set: the content fixtures only."""


def build_large() -> None:
    """Grow the small data set to the large one."""
