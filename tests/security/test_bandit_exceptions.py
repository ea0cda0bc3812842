"""Every `# nosec` in the app says why, so bandit's silence is a decision someone can read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOSEC = re.compile(r"#\s*nosec\b(?P<codes>(?:\s+B\d{3})*)")


def test_every_nosec_names_its_checks_and_a_comment_explains_each():
    unexplained = []
    for path in sorted(
        p for app in ("accounts", "legs", "config") for p in (ROOT / app).rglob("*.py")
    ):
        lines = path.read_text().splitlines()
        reasons = " ".join(line for line in lines if line.lstrip().startswith("#"))
        for number, line in enumerate(lines, start=1):
            match = NOSEC.search(line)
            if match is None:
                continue
            codes = match["codes"].split()
            where = f"{path.relative_to(ROOT)}:{number}"
            if not codes:
                unexplained.append(f"{where}: a bare # nosec silences every check")
            unexplained += [
                f"{where}: no comment explains {code}" for code in codes if code not in reasons
            ]
    assert not unexplained, "\n".join(unexplained)
