"""The two commands a newcomer types: `make run` where they ask, and the README's next step."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("arguments", "address"),
    [([], "127.0.0.1:8000"), (["ADDR=127.0.0.1:8001"], "127.0.0.1:8001")],
)
def test_make_run_serves_on_addr(arguments, address):
    dry_run = subprocess.run(
        ["make", "-n", "run", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.search(rf"runserver {re.escape(address)}$", dry_run.stdout, re.MULTILINE)


def test_the_readme_says_how_to_get_demo_data_right_after_its_two_commands():
    readme = (ROOT / "README.md").read_text()
    after_commands = readme.split("make test   #", 1)[1].split("```", 1)[1]
    first_paragraph = after_commands.strip().split("\n\n", 1)[0]
    assert "manage.py seed_demo" in first_paragraph
    assert readme.count("Other targets") == 1
