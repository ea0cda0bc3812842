"""Existing comments get the hash of their email (so "all comments by this email" finds them),
and the Moderators group the permissions to list, change and lift blocks.

Hand-written, as 0007 is: the codenames live in legs/models/comments.py.
"""

from importlib import import_module

from django.db import migrations

from legs.models.comments import email_hash


def hash_emails(apps, schema_editor):
    Comment = apps.get_model("legs", "Comment")
    changed = []
    for comment in Comment.objects.filter(email_hash="").exclude(email="").only("pk", "email"):
        comment.email_hash = email_hash(comment.email)
        changed.append(comment)
    Comment.objects.bulk_update(changed, ["email_hash"], batch_size=500)


# 0007's group builder, run again: it sets the group to exactly MODERATOR_PERMISSIONS.
grant_block_permissions = import_module("legs.migrations.0007_moderators_group").create_group


class Migration(migrations.Migration):
    dependencies = [
        ("legs", "0021_held_reasons_blocks_report_reasons"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(hash_emails, migrations.RunPython.noop),
        migrations.RunPython(grant_block_permissions, migrations.RunPython.noop),
    ]
