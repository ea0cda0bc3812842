"""The Moderators group with only the permissions comment moderation needs.

Hand-written: keep it apart from the generated schema migrations. The codenames live in
legs/models/comments.py so `createmoderator` can rebuild the same group (e.g. after a flush).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from legs.models.comments import MODERATORS_GROUP, MODERATOR_PERMISSIONS


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make this app's now.
    app_config = apps.get_app_config("legs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="legs", codename__in=MODERATOR_PERMISSIONS
        )
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("legs", "0006_comments"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
