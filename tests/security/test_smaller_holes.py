"""Issue 12, item 13: backups, display names, the time-trap, the export's file name, HEAD."""

import os
import re
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from legs.forms.comments import REFUSED_TAMPERED, REFUSED_USED
from legs.models import Comment
from tests.factories import UserFactory
from tests.security.urlmap import EXPECTED, LOGIN, REDIRECT


def test_a_backup_is_readable_by_its_owner_only(db, tmp_path):
    """A backup holds password hashes and diaries: 0600 whatever the umask."""
    target = tmp_path / "site.backup"
    if connection.vendor == "sqlite":
        # SQLite's online backup would wait for ever on the test's open transaction: the
        # command runs as cron runs it, in a process of its own, on a database of its own.
        database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
        subprocess.run(
            [sys.executable, "manage.py", "backup", str(target)],
            cwd=settings.BASE_DIR,
            env=os.environ
            | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
            | {"DATABASE_URL": database},
            check=True,
            capture_output=True,
        )
    else:
        call_command("backup", str(target))  # pg_dump reads from a connection of its own
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_display_name_keeps_no_line_breaks_or_runs_of_spaces(world, client_as):
    owner = world.owner
    data = {
        "display_name": "  Bob\r\nModerator:\t approved  ",
        "email": owner.email,
        "units": owner.units,
        "time_zone": owner.time_zone,
        "stretch_hold": owner.stretch_hold,
    }
    client_as("owner").post(reverse("profile"), data)
    owner.refresh_from_db()
    assert owner.display_name == "Bob Moderator: approved"


def test_the_admin_normalises_a_display_name_too(world):
    admin = Client()
    admin.force_login(world.superuser)
    member = UserFactory()
    url = reverse("admin:accounts_user_change", args=[member.pk])
    form = admin.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "display_name": "Eve\nCoach",
        "date_joined_0": member.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
        "groups": [],
        "user_permissions": [],
    }
    data.pop("date_joined")
    data.pop("last_login", None)
    data.pop("password", None)
    assert admin.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Eve Coach"


def served_form(client: Client, tip) -> dict[str, str]:
    """The comment form's hidden fields as a visitor's browser got them."""
    html = client.get(tip.get_absolute_url()).content.decode()
    return {"ts": re.search(r'name="ts" value="([^"]+)"', html).group(1)}


def comment(client: Client, tip, fields: dict[str, str], body: str, ip: str = "10.50.0.1"):
    data = {"name": "Sam", "email": "sam@example.com", "body": body, "website": ""} | fields
    return client.post(reverse("comment_post", args=[tip.slug]), data, REMOTE_ADDR=ip)


def test_a_time_trap_token_carries_one_comment_only(world, settings):
    settings.COMMENT_MIN_SECONDS = 0
    visitor = Client()
    fields = served_form(visitor, world.tip)
    assert comment(visitor, world.tip, fields, "First, and fine.").status_code == 302
    replayed = comment(visitor, world.tip, fields, "Second, on the same form.")
    assert replayed.status_code == 200
    assert REFUSED_USED in replayed.content.decode()
    assert not Comment.objects.filter(body="Second, on the same form.").exists()


def test_a_time_trap_token_works_only_for_the_visitor_it_was_served_to(world, settings):
    settings.COMMENT_MIN_SECONDS = 0
    served = served_form(Client(), world.tip)
    bot = Client()
    bot.get(world.tip.get_absolute_url())  # a CSRF secret of its own
    refused = comment(bot, world.tip, served, "Posted with someone else's form.")
    assert REFUSED_TAMPERED in refused.content.decode()
    assert not Comment.objects.filter(body="Posted with someone else's form.").exists()


def test_the_json_export_names_a_non_ascii_username_as_rfc_6266_says(db):
    member = UserFactory(username="zoë")
    client = Client()
    client.force_login(member)
    header = client.get(reverse("account_export"))["Content-Disposition"]
    assert header.isascii()
    # The charset name is case-insensitive (RFC 8187); the percent-encoding is exact.
    assert re.search(r"filename\*=utf-8''lighter-legs-zo%C3%AB-data\.json", header, re.I)


GETTABLE = sorted(
    (name, role)
    for name, route in EXPECTED.items()
    for role in ("visitor", "owner")
    if route.get[role] != 405
)


@pytest.mark.parametrize(("name", "role"), GETTABLE)
def test_every_page_that_answers_get_answers_head_alike(name, role, world, client_as):
    url = reverse(name, kwargs=EXPECTED[name].kwargs(world))
    expected = EXPECTED[name].get[role]
    response = client_as(role).head(url)
    if expected in (LOGIN, REDIRECT):
        assert response.status_code == 302
    else:
        assert response.status_code == expected
    assert response.content == b""
