"""Two-sided stretches on a site loaded before the guided stretches.

``load_content`` leaves loaded content alone, so an existing After-your-run checklist would keep
"time each side" in its wording and time one side only. A step is changed only while its text
is still the shipped one, so wording edited in the admin stays.
"""

from django.db import migrations

CHECKLIST = "after-your-run"

# (order, the shipped text before, the text now)
STEPS = [
    (
        2,
        "Quads: stand tall and hold one foot to your bottom, knees together. Time each side",
        "Quads: stand tall and hold one foot to your bottom, knees together",
    ),
    (
        3,
        "Hamstrings: rest one heel on a low step and lean forward from the hips, back straight. Time each side",
        "Hamstrings: rest one heel on a low step and lean forward from the hips, back straight",
    ),
    (
        4,
        "Glutes: lie on your back, cross one ankle over the other knee and draw both legs in. Time each side",
        "Glutes: lie on your back, cross one ankle over the other knee and draw both legs in",
    ),
    (
        5,
        "Hips: kneel on one knee, tuck your bottom under and ease your hips forward. Time each side",
        "Hips: kneel on one knee, tuck your bottom under and ease your hips forward",
    ),
    (
        7,
        "Arms and shoulders: draw one arm across your chest with the other hand. Time each side",
        "Arms and shoulders: draw one arm across your chest with the other hand",
    ),
]


def mark_two_sided(apps, schema_editor):
    ChecklistStep = apps.get_model("legs", "ChecklistStep")
    for order, before, now in STEPS:
        ChecklistStep.objects.filter(
            checklist__slug=CHECKLIST, order=order, kind="stretch", text=before
        ).update(text=now, each_side=True)


class Migration(migrations.Migration):
    dependencies = [("legs", "0015_red_flag_explained")]

    operations = [migrations.RunPython(mark_two_sided, migrations.RunPython.noop)]
