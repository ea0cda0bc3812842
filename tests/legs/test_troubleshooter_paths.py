"""Triage fits the answer given (SPEC §5): answer paths through the real troubleshooter.

Each row walks the fixture's questions as a visitor would, then reads the result page: its
triage level, the cause it names first, and what must not be said to someone who answered so
(self-care under an emergency, a physiotherapist for a runner back after an illness, massage
under "rest and get checked"). The first two rows are the A.Vogel article's reader cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from legs.models import Checklist, TroubleshooterAnswer
from legs.troubleshooter import Triage, Troubleshooter
from tests.support import TROUBLESHOOTER, load_content

pytestmark = pytest.mark.django_db

ANSWER_URL = f"/checklists/{TROUBLESHOOTER}/answer/"
RESULT = f"/checklists/{TROUBLESHOOTER}/result/"

# Tips that work the legs: never "what helps" under a rest-and-get-checked level.
WORKS_THE_LEG = ["Massage your legs", "Stretch after every run", "Give your legs RICE"]
# Under an emergency or urgent level: no causes, no self-care lists, no "none points" filler.
NO_SELF_CARE = ["Likely causes", "What helps", "None of your answers points", "Most likely"]

USUAL_HABITS = [
    ("mileage-jump", "No, about the same"),
    ("sleep", "7 to 9 hours"),
    ("water", "Enough"),
    ("diet-iron", "None of these"),
    ("warm-up", "I warm up for about 10 minutes"),
]
NO_ILLNESS = [("recent-illness", "No"), *USUAL_HABITS]


@dataclass(frozen=True)
class Case:
    steps: list[tuple[str, str]]
    triage: Triage
    first_cause: str | None
    must_not_show: list[str] = field(default_factory=list)
    must_show: list[str] = field(default_factory=list)
    # True: the first cause is the only "most likely" one; False: causes tie at the top.
    single_leader: bool = True


CASES = {
    # Zee (A.Vogel comments, 2017): back after a virus, pins and needles in both upper legs.
    # The author: keep all running at low intensity, more rest, better sleep.
    "reader Zee: after a virus, pins and needles in both legs": Case(
        [
            ("how-long", "More than two weeks"),
            ("tiredness", "No, it is only my legs"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "Numbness or pins and needles in both legs"),
            ("tingling-after-illness", "Yes"),
            *USUAL_HABITS,
        ],
        Triage.EASE_BACK,
        "post-viral-fatigue",
        must_not_show=["physiotherapist", "Physiotherapist"],
        must_show=["low, easy intensity", "sleep", "See a GP if it lasts more than a few weeks"],
    ),
    # Sushmitha (A.Vogel comments, 2018): drag and heaviness in the right leg, still there
    # after two weeks off running. The author: a physiotherapist first, then the doctor.
    "reader Sushmitha: one leg drags, still there after rest": Case(
        [
            ("how-long", "A few days, up to two weeks"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "No"),
            ("one-leg-rest", "Yes, it is still there"),
            *NO_ILLNESS,
        ],
        Triage.PHYSIO,
        "injury",
        must_not_show=WORKS_THE_LEG,
        must_show=["After you have been checked", "Check for injuries"],
    ),
    "after a virus, both legs, no pins and needles": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            ("recent-illness", "Yes"),
            ("mileage-jump", "Yes: I run most days"),
            *USUAL_HABITS[1:],
        ],
        Triage.EASE_BACK,
        "post-viral-fatigue",
        must_not_show=["physiotherapist"],
    ),
    "after a virus, pins and needles, tired most days for weeks": Case(
        [
            ("how-long", "More than two weeks"),
            ("tiredness", "Yes, tired most days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "Numbness or pins and needles in both legs"),
            ("tingling-after-illness", "Yes"),
            *USUAL_HABITS,
        ],
        Triage.EASE_BACK,
        "post-viral-fatigue",
        must_not_show=["physiotherapist"],
        must_show=["Also: Ask a doctor for a blood test"],
    ),
    "pins and needles in both legs, no illness: a GP": Case(
        [
            ("how-long", "Only on today"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "Numbness or pins and needles in both legs"),
            ("tingling-after-illness", "No"),
            *USUAL_HABITS,
        ],
        Triage.GP,
        "lactic-acid",
        must_not_show=["physiotherapist", *WORKS_THE_LEG],
    ),
    "emergency: numb bottom or bladder trouble": Case(
        [
            ("how-long", "Only on today"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "Numbness or weakness in both legs"),
        ],
        Triage.EMERGENCY,
        None,
        must_not_show=["clot", "lungs", *NO_SELF_CARE],
        must_show=["base of the spine", 'href="tel:999"', 'href="tel:112"'],
    ),
    "emergency: swollen leg with chest pain": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "A swollen leg together with chest pain"),
        ],
        Triage.EMERGENCY,
        None,
        must_not_show=["spine", "bladder", *NO_SELF_CARE],
        must_show=["blood clot", "lungs", 'href="tel:999"'],
    ),
    "emergency: one painful leg and short of breath": Case(
        [
            ("how-long", "More than two weeks"),
            ("tiredness", "Yes, tired most days"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "Yes, and I have chest pain"),
        ],
        Triage.EMERGENCY,
        None,
        must_not_show=["spine", *NO_SELF_CARE],
        must_show=["pulmonary embolism"],
    ),
    "urgent: one leg painful, swollen, warm or red": Case(
        [
            ("how-long", "Only on today"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "Yes, one or more"),
        ],
        Triage.URGENT,
        None,
        must_not_show=["spine", *NO_SELF_CARE],
        must_show=["deep vein thrombosis", 'href="tel:111"'],
    ),
    "sharp pain in one spot: a physiotherapist": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "Sharp pain"),
            *NO_ILLNESS[:-1],
            ("warm-up", "Neither"),
        ],
        Triage.PHYSIO,
        "injury",
        must_not_show=WORKS_THE_LEG,
    ),
    "one leg still heavy after rest, and just over a virus": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "No"),
            ("one-leg-rest", "Yes, it is still there"),
            ("recent-illness", "Yes"),
            *USUAL_HABITS,
        ],
        Triage.PHYSIO,
        "injury",
        must_not_show=WORKS_THE_LEG,
        must_show=["Also: Ease back after your illness"],
    ),
    "one leg, not rested yet": Case(
        [
            ("how-long", "Only on today"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "No"),
            ("one-leg-rest", "I have not rested it yet"),
            *NO_ILLNESS,
        ],
        Triage.SELF_CARE,
        "lactic-acid",
        must_show=["a few days off running first", "see a physiotherapist"],
    ),
    "one leg that recovers with rest": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "No"),
            ("one-leg-rest", "No, it goes when I rest"),
            *NO_ILLNESS,
        ],
        Triage.SELF_CARE,
        "running-form",
    ),
    "blood test: heavy and tired for weeks": Case(
        [
            ("how-long", "More than two weeks"),
            ("tiredness", "Yes, tired most days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            *NO_ILLNESS,
        ],
        Triage.BLOOD_TEST,
        "iron-deficiency",
        must_not_show=["physiotherapist", "Likely causes: none"],
    ),
    "blood test: heavy periods and little meat": Case(
        [
            ("how-long", "More than two weeks"),
            ("tiredness", "Yes, tired most days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            ("recent-illness", "No"),
            ("mileage-jump", "No, about the same"),
            ("sleep", "Less than 7 hours"),
            ("water", "Enough"),
            ("diet-iron", "I have periods"),
            ("warm-up", "I warm up"),
        ],
        Triage.BLOOD_TEST,
        "iron-deficiency",
    ),
    "self-care: more miles and short nights tie": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            ("recent-illness", "No"),
            ("mileage-jump", "Yes: more distance"),
            ("sleep", "Less than 7 hours"),
            *USUAL_HABITS[2:],
        ],
        Triage.SELF_CARE,
        "overtraining",
        must_not_show=["Most likely", "physiotherapist"],
        must_show=["Your answers point equally at these"],
        single_leader=False,
    ),
    "self-care: no warm-up and no cool-down": Case(
        [
            ("how-long", "Only on today"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            *NO_ILLNESS[:-1],
            ("warm-up", "Neither"),
        ],
        Triage.SELF_CARE,
        "lactic-acid",
        must_show=["Most likely", "Also possible", "Massage your legs"],
    ),
    "self-care: nothing points anywhere": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            *NO_ILLNESS,
        ],
        Triage.SELF_CARE,
        None,
        must_show=["None of your answers points at a particular cause"],
    ),
    "honest answers: long sleep, no tracking, not noticed, it varies": Case(
        [
            ("how-long", "A few days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            ("recent-illness", "No"),
            ("mileage-jump", "I don't know"),
            ("sleep", "More than 9 hours"),
            ("water", "I have not noticed"),
            ("diet-iron", "None of these"),
            ("warm-up", "It varies"),
        ],
        Triage.SELF_CARE,
        None,
    ),
}


@pytest.fixture
def content(db):
    load_content()
    return Checklist.objects.get(slug=TROUBLESHOOTER)


def answer(slug: str, text: str) -> TroubleshooterAnswer:
    return TroubleshooterAnswer.objects.get(
        question__checklist__slug=TROUBLESHOOTER, question__slug=slug, text__startswith=text
    )


def advice_given_now(html: str) -> str:
    """The result panel, less the tips held back for after a professional's check."""
    panel = html.split('id="troubleshooter"', 1)[1].split("<footer", 1)[0]
    return re.sub(r'<ul class="result-tips after-check">.*?</ul>', "", panel, flags=re.S)


@pytest.mark.parametrize("name", list(CASES))
def test_each_answer_path_gets_the_triage_and_advice_that_fit_it(client, content, name):
    case = CASES[name]
    answers = [answer(slug, text) for slug, text in case.steps]
    for given in answers:
        response = client.post(ANSWER_URL, {"question": given.question.slug, "answer": given.pk})
    assert response["Location"] == RESULT, "the path must end at the result"

    result = Troubleshooter(content).walk([given.pk for given in answers]).result()
    assert result.triage == case.triage
    first = result.causes[0].cause.slug if result.causes else None
    assert first == case.first_cause
    if first is not None:
        assert (len(result.likely) == 1) is case.single_leader
    for item in result.causes:
        if case.triage in (Triage.PHYSIO, Triage.GP):
            assert all(tip.suits_rest for tip in item.tips), item.cause

    html = client.get(RESULT).content.decode()
    shown = advice_given_now(html)
    assert 'id="triage-heading"' in shown
    assert case.triage.label.split(":")[0] in shown.split('id="triage-heading"')[1][:200]
    for text in case.must_not_show:
        assert text not in shown, f"{name}: “{text}” must not be shown"
    for text in case.must_show:
        assert text in shown, f"{name}: “{text}” is missing"


def test_the_table_covers_every_triage_level_and_both_reader_cases():
    assert {case.triage for case in CASES.values()} == set(Triage.values)
    assert len(CASES) >= 15
    assert any(name.startswith("reader Zee") for name in CASES)
    assert any(name.startswith("reader Sushmitha") for name in CASES)
