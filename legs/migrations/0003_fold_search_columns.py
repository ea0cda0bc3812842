"""Fill the new search columns of tips and causes that existed before 0002 added them.

Hand-written data migration. It keeps its own copy of legs.models.tips.fold_for_search so it
still runs, unchanged, if that function later moves or changes (then re-fold with a new one).
"""

import unicodedata

from django.db import migrations

_PLAIN_LETTERS = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
    | {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def fold_for_search(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold_existing_rows(apps, schema_editor):
    Tip = apps.get_model("legs", "Tip")
    Cause = apps.get_model("legs", "Cause")
    tips = list(Tip.objects.all())
    for tip in tips:
        tip.search_text = fold_for_search("\n".join([tip.title, tip.summary, tip.body]))
    Tip.objects.bulk_update(tips, ["search_text"], batch_size=200)
    causes = list(Cause.objects.all())
    for cause in causes:
        cause.search_name = fold_for_search(cause.name)
    Cause.objects.bulk_update(causes, ["search_name"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [("legs", "0002_tips")]

    operations = [migrations.RunPython(fold_existing_rows, migrations.RunPython.noop)]
