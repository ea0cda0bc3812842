"""Run distances to 9 decimals of a km, so a distance typed in miles is stored exactly.

Distances were kept to the metre, so a run typed as 3.1 mi was stored as 4.989 km and exported
as 3.100021 mi. For members who prefer miles, a distance that is a whole number of hundredths of
a mile once rounded to the metre is taken to have been typed that way and is stored exactly
(a change of under half a metre); any other distance is kept as it is.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

MILE = Decimal("1.609344")
METRE = Decimal("0.001")
HUNDREDTH = Decimal("0.01")
STORED = Decimal("0.000000001")


def store_typed_miles_exactly(apps, schema_editor):
    Run = apps.get_model("legs", "Run")
    changed = []
    for run in Run.objects.filter(user__units="mi").only("id", "distance_km").iterator():
        miles = (run.distance_km / MILE).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        exact = (miles * MILE).quantize(STORED)
        if exact != run.distance_km and exact.quantize(METRE, ROUND_HALF_UP) == run.distance_km:
            run.distance_km = exact
            changed.append(run)
    Run.objects.bulk_update(changed, ["distance_km"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("legs", "0010_tip_trial_habits"),
    ]

    operations = [
        migrations.AlterField(
            model_name="run",
            name="distance_km",
            field=models.DecimalField(decimal_places=9, max_digits=12),
        ),
        migrations.RunPython(store_typed_miles_exactly, migrations.RunPython.noop),
    ]
