"""Every red-flag answer explains itself, now that 0010 has given the known ones their words.

Its own migration: on PostgreSQL a table cannot be altered in the transaction that just
updated its rows (0010), while their foreign-key checks are still pending.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("legs", "0014_triage_content")]

    operations = [
        migrations.AddConstraint(
            model_name="troubleshooteranswer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("triage__in", ("emergency", "urgent")), _negated=True),
                    models.Q(("advice", ""), _negated=True),
                    _connector="OR",
                ),
                name="troubleshooter_answer_red_flag_explained",
            ),
        ),
    ]
