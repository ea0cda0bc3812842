"""What trying a tip means, for catalogues loaded before trials existed.

``load_content`` leaves content already in the database alone, so without this the tips of an
existing site would all count "done today" ticks. Only tips still at the default are set, so a
choice made in the admin stays.
"""

from django.db import migrations

HABITS = {
    "warm-up-for-ten-minutes": "warm_up",
    "adjust-your-route": "rest",
    "stretch-after-your-run": "cool_down",
    "cool-down-after-each-run": "cool_down",
    "avoid-overtraining": "rest",
    "drink-enough-water": "water",
    "get-enough-sleep": "sleep",
}


def set_habits(apps, schema_editor):
    Tip = apps.get_model("legs", "Tip")
    for slug, habit in HABITS.items():
        Tip.objects.filter(slug=slug, trial_habit="tick").update(trial_habit=habit)


class Migration(migrations.Migration):
    dependencies = [("legs", "0009_trials")]

    operations = [migrations.RunPython(set_habits, migrations.RunPython.noop)]
