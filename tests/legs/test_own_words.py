"""Our content is in our own words (seeds/README.md): no tip, answer, fact, checklist step or
troubleshooter text shares eight consecutive words with either source article.

The articles are in the project's shared folder beside the repository
(``<BASE_DIR>/../shared/seeds``), reader comments included: those are real people's words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
RUN = 8
# Sources carry the articles' own titles and addresses: those are credits, not our words.
CREDITS = {"legs.source"}


def words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def runs_of_words(text: str) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[index : index + RUN]) for index in range(len(found) - RUN + 1)}


@pytest.fixture(scope="module")
def article_runs() -> set[tuple[str, ...]]:
    articles = sorted(SEEDS.glob("0*.txt"))
    assert len(articles) == 2, f"both source articles belong in {SEEDS}"
    return set().union(*(runs_of_words(path.read_text()) for path in articles))


def content_texts() -> list[tuple[str, str]]:
    """Every text field of every content fixture row, named "model pk field"."""
    texts = []
    for path in sorted(FIXTURES.glob("*.json")):
        for row in json.loads(path.read_text()):
            if row["model"] in CREDITS:
                continue
            for name, value in row["fields"].items():
                if isinstance(value, str):
                    texts.append((f"{row['model']} {row['pk']} {name}", value))
    return texts


def test_the_check_reads_every_kind_of_content():
    kinds = {name.split()[0] for name, _ in content_texts()}
    assert {
        "legs.tip",
        "legs.question",
        "legs.fact",
        "legs.cause",
        "legs.checkliststep",
        "legs.troubleshooterquestion",
        "legs.troubleshooteranswer",
    } <= kinds


def test_no_content_shares_eight_words_in_a_row_with_either_article(article_runs):
    copied = {
        name: sorted(" ".join(run) for run in runs_of_words(text) & article_runs)
        for name, text in content_texts()
    }
    assert {name: runs for name, runs in copied.items() if runs} == {}


def test_the_check_catches_a_copied_phrase(article_runs):
    copied = "Aim for the next corner, or the top of the next hill, instead."
    assert runs_of_words(copied) & article_runs
