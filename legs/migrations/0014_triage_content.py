"""Issue 16 on databases that already hold the content: load_content never overwrites it.

Hand-written data migration. A database set up before this change gets:
- the heavy-legs troubleshooter as the fixture now has it: each red flag with its own
  explanation, a GP level for numbness in both legs, easing back after an illness, a question
  after the warning signs about an illness, and honest answers for everyone. Answers are
  matched by question slug and order and updated in place, so members' saved runs keep
  pointing at them;
- the Before-your-run route step in our own words, the peanut butter fact as strong as the
  article's, and the tips that fit a rest-and-get-checked result marked as such;
- the new search columns of causes, questions and facts filled in.
A fresh database has no content yet when this runs and is left alone: load_content then loads
the fixtures, which already say all of this. The content is copied here, not read from the
fixtures, so this migration does the same thing whenever it runs.
"""

import unicodedata

from django.db import migrations

TROUBLESHOOTER = "heavy-legs"
ENDING = ("emergency", "urgent")
# For a red flag an editor added that this migration does not know: it must say something.
RED_FLAG_FALLBACK = (
    "This can be a sign of a serious problem that needs a doctor straight away. Follow the "
    "advice above now."
)

# (slug, order, text, help text, answers); an answer is
# (order, text, next question's slug or None when it ends, triage, advice, cause slugs).
GRAPH = (
    (
        "how-long",
        1,
        "How long have your legs felt heavy?",
        "",
        (
            (1, "Only on today's run, or since yesterday", "one-or-both", "", "", ("lactic-acid",)),
            (2, "A few days, up to two weeks", "one-or-both", "", "", ()),
            (3, "More than two weeks", "tiredness", "", "", ()),
        ),
    ),
    (
        "tiredness",
        2,
        "Do you also feel tired or worn out most days, not only when you run?",
        "",
        (
            (1, "Yes, tired most days", "one-or-both", "blood_test", "", ("iron-deficiency",)),
            (2, "No, it is only my legs", "one-or-both", "", "", ("overtraining",)),
        ),
    ),
    (
        "one-or-both",
        3,
        "Is it one leg or both?",
        "",
        (
            (1, "Both legs", "warning-signs", "", "", ()),
            (2, "Mostly one leg", "one-leg-signs", "", "", ()),
        ),
    ),
    (
        "warning-signs",
        4,
        "Do you have any of these?",
        "Pick the first one that fits.",
        (
            (
                1,
                "Numbness or weakness in both legs with numbness around your bottom or between your legs, or new trouble controlling your bladder or bowels",
                None,
                "emergency",
                "Numbness around your bottom or between your legs, weakness in both legs, or new trouble controlling your bladder or bowels can mean the nerves at the base of the spine are being squeezed (cauda equina syndrome). It needs treatment in hospital within hours to protect those nerves: call 999 or 112, or go to A&E now.",
                (),
            ),
            (
                2,
                "A swollen leg together with chest pain or breathlessness",
                None,
                "emergency",
                "A swollen leg together with chest pain or breathlessness can mean a blood clot from the leg has reached the lungs (a pulmonary embolism). Call 999 or 112 now; do not drive yourself to hospital.",
                (),
            ),
            (
                3,
                "Numbness or pins and needles in both legs, without any of the above",
                "tingling-after-illness",
                "",
                "",
                (),
            ),
            (
                4,
                "Sharp pain in a joint or in one spot, or pain that gets worse as you run",
                "recent-illness",
                "physio",
                "",
                ("injury",),
            ),
            (
                5,
                "None of these: they just feel heavy, tired or stiff",
                "recent-illness",
                "",
                "",
                (),
            ),
        ),
    ),
    (
        "tingling-after-illness",
        5,
        "Did the numbness or pins and needles start after a virus, flu or another illness in the last two months?",
        "For example when you went back to running after a chest infection or COVID.",
        (
            (
                1,
                "Yes, it started after an illness in the last two months",
                "mileage-jump",
                "ease_back",
                "",
                ("post-viral-fatigue",),
            ),
            (2, "No, or not that I know of", "mileage-jump", "gp", "", ()),
        ),
    ),
    (
        "one-leg-signs",
        6,
        "Is that leg painful, swollen, warm to the touch or red?",
        "Compare it with your other leg: is it bigger, warmer or redder, or sore when you press it?",
        (
            (
                1,
                "Yes, and I have chest pain or I am short of breath",
                None,
                "emergency",
                "A painful, swollen, warm or red leg together with chest pain or breathlessness can mean a blood clot from the leg has reached the lungs (a pulmonary embolism). Call 999 or 112 now; do not drive yourself to hospital.",
                (),
            ),
            (
                2,
                "Yes, one or more of those",
                None,
                "urgent",
                "One leg that is painful, swollen, warm or red can be a blood clot in a deep vein of the leg (deep vein thrombosis, DVT), which needs checking the same day. If you become short of breath or have chest pain, call 999 or 112 at once.",
                (),
            ),
            (3, "No", "one-leg-rest", "", "", ()),
        ),
    ),
    (
        "one-leg-rest",
        7,
        "Does the heaviness, a dragging feeling or numbness in that leg stay after a few days of rest?",
        "",
        (
            (1, "Yes, it is still there after rest", "recent-illness", "physio", "", ("injury",)),
            (2, "No, it goes when I rest", "recent-illness", "", "", ("running-form",)),
            (
                3,
                "I have not rested it yet",
                "recent-illness",
                "",
                "Give that leg a few days off running first. If the heaviness, drag or numbness is still there afterwards, see a physiotherapist, then your doctor if their advice does not help.",
                (),
            ),
        ),
    ),
    (
        "recent-illness",
        8,
        "Have you had a virus, flu or another illness in the last two months?",
        "",
        (
            (1, "Yes", "mileage-jump", "ease_back", "", ("post-viral-fatigue",)),
            (2, "No", "mileage-jump", "", "", ()),
        ),
    ),
    (
        "mileage-jump",
        9,
        "Has your running gone up quickly lately?",
        "",
        (
            (
                1,
                "Yes: more distance each week (more than about a tenth), or a new long run",
                "sleep",
                "",
                "",
                ("overtraining",),
            ),
            (2, "Yes: I run most days, without a rest day", "sleep", "", "", ("overtraining",)),
            (3, "No, about the same as usual", "sleep", "", "", ()),
            (4, "I don't know: I don't keep track", "sleep", "", "", ()),
        ),
    ),
    (
        "sleep",
        10,
        "How much have you slept on most nights this week?",
        "",
        (
            (1, "Less than 7 hours", "water", "", "", ("lack-of-sleep",)),
            (2, "7 to 9 hours", "water", "", "", ()),
            (3, "More than 9 hours", "water", "", "", ()),
        ),
    ),
    (
        "water",
        11,
        "How much do you drink, through the day and on your runs?",
        "",
        (
            (
                1,
                "I often feel thirsty, or I rarely drink on runs",
                "diet-iron",
                "",
                "",
                ("dehydration",),
            ),
            (2, "Enough that I seldom feel thirsty", "diet-iron", "", "", ()),
            (3, "I have not noticed", "diet-iron", "", "", ()),
        ),
    ),
    (
        "diet-iron",
        12,
        "Which of these fits you best?",
        "Iron carries oxygen to your muscles; these make low iron or low fuel more likely.",
        (
            (
                1,
                "I eat little or no meat and not many iron-rich foods (dark leafy greens, pulses, wholemeal bread)",
                "warm-up",
                "",
                "",
                ("iron-deficiency", "nutrition"),
            ),
            (2, "I have periods, and they are heavy", "warm-up", "", "", ("iron-deficiency",)),
            (3, "I often run on an empty stomach or skip meals", "warm-up", "", "", ("nutrition",)),
            (4, "None of these", "warm-up", "", "", ()),
        ),
    ),
    (
        "warm-up",
        13,
        "How do you usually start and finish a run?",
        "",
        (
            (
                1,
                "I warm up for about 10 minutes, and cool down and stretch afterwards",
                None,
                "",
                "",
                (),
            ),
            (2, "I set off at once, with no warm-up", None, "", "", ("poor-blood-flow",)),
            (
                3,
                "I stop at the door, with no cool-down or stretching",
                None,
                "",
                "",
                ("lactic-acid",),
            ),
            (
                4,
                "Neither: no warm-up and no cool-down",
                None,
                "",
                "",
                ("poor-blood-flow", "lactic-acid"),
            ),
            (5, "It varies from run to run", None, "", "", ()),
        ),
    ),
)
ROUTE_STEP_OLD = "the next corner or the top of the next hill"
ROUTE_STEP_WHY = "A long, straight road leaves nothing to think about but how tired your legs feel. A route that keeps changing gives you something new to aim for every few minutes, a bend, a rise, a landmark, and your mind follows it instead."
PEANUT_OLD = "The A.Vogel page suggests peanut butter"
PEANUT_TEXT = "The A.Vogel page recommends peanut butter as fuel before a 5K or 10K race, for its low glycaemic index (GI) and its high carbohydrate and high protein content."
SUITS_REST = (
    "check-for-injuries",
    "watch-your-diet",
    "avoid-overtraining",
    "drink-enough-water",
    "get-enough-sleep",
    "check-your-iron-levels",
)

_PLAIN_LETTERS = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
    | {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def fold_for_search(text):
    """A copy of legs.models.tips.fold_for_search as it is now (see 0003)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def update_troubleshooter(apps, schema_editor):
    Checklist = apps.get_model("legs", "Checklist")
    Question = apps.get_model("legs", "TroubleshooterQuestion")
    Answer = apps.get_model("legs", "TroubleshooterAnswer")
    Cause = apps.get_model("legs", "Cause")
    checklist = Checklist.objects.filter(slug=TROUBLESHOOTER, kind="troubleshooter").first()
    if checklist is not None:
        questions = {}
        for slug, order, text, help_text, _ in GRAPH:
            questions[slug], _ = Question.objects.update_or_create(
                checklist=checklist,
                slug=slug,
                defaults={"order": order, "text": text, "help_text": help_text},
            )
        causes = {cause.slug: cause for cause in Cause.objects.all()}
        for slug, _, _, _, answers in GRAPH:
            for order, text, leads_to, triage, advice, cause_slugs in answers:
                answer = (
                    Answer.objects.filter(question=questions[slug], order=order)
                    .order_by("pk")
                    .first()
                ) or Answer(question=questions[slug], order=order)
                answer.text = text
                answer.next_question = questions[leads_to] if leads_to else None
                answer.ends = leads_to is None
                answer.triage = triage
                answer.advice = advice
                answer.save()
                answer.causes.set([causes[name] for name in cause_slugs if name in causes])
    Answer.objects.filter(triage__in=ENDING, advice="").update(advice=RED_FLAG_FALLBACK)


def update_catalogue(apps, schema_editor):
    ChecklistStep = apps.get_model("legs", "ChecklistStep")
    Fact = apps.get_model("legs", "Fact")
    Tip = apps.get_model("legs", "Tip")
    ChecklistStep.objects.filter(why__contains=ROUTE_STEP_OLD).update(why=ROUTE_STEP_WHY)
    Fact.objects.filter(text__startswith=PEANUT_OLD).update(text=PEANUT_TEXT)
    Tip.objects.filter(slug__in=SUITS_REST).update(suits_rest=True)


def fold_new_search_columns(apps, schema_editor):
    Cause = apps.get_model("legs", "Cause")
    Question = apps.get_model("legs", "Question")
    Fact = apps.get_model("legs", "Fact")
    causes = list(Cause.objects.all())
    for cause in causes:
        cause.search_text = fold_for_search(f"{cause.name}\n{cause.summary}")
    Cause.objects.bulk_update(causes, ["search_text"], batch_size=200)
    questions = list(Question.objects.all())
    for question in questions:
        question.search_text = fold_for_search(f"{question.question}\n{question.answer}")
    Question.objects.bulk_update(questions, ["search_text"], batch_size=200)
    facts = list(Fact.objects.all())
    for fact in facts:
        fact.search_text = fold_for_search(fact.text)
    Fact.objects.bulk_update(facts, ["search_text"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [("legs", "0013_triage_fits_the_answer")]

    operations = [
        migrations.RunPython(update_troubleshooter, migrations.RunPython.noop),
        migrations.RunPython(update_catalogue, migrations.RunPython.noop),
        migrations.RunPython(fold_new_search_columns, migrations.RunPython.noop),
    ]
