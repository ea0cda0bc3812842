# The old reporter column goes in a migration of its own: PostgreSQL refuses to alter a table
# with row updates (0009's) still pending in the same transaction.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('legs', '0018_comment_report_identity'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='commentreport',
            name='report_once_per_reader',
        ),
        migrations.RemoveField(
            model_name='commentreport',
            name='reporter',
        ),
        migrations.AddConstraint(
            model_name='commentreport',
            constraint=models.UniqueConstraint(condition=models.Q(('ip_hash', ''), _negated=True), fields=('comment', 'ip_hash'), name='report_once_per_address'),
        ),
        migrations.AddConstraint(
            model_name='commentreport',
            constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('comment', 'user'), name='report_once_per_account'),
        ),
    ]
