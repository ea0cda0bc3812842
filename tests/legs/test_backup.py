import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_brings_back_exactly_the_backed_up_data(tmp_path):
    UserFactory(username="kept")
    target = tmp_path / "site.backup"
    call_command("backup", str(target))
    assert target.stat().st_size > 0

    User.objects.filter(username="kept").delete()
    UserFactory(username="added-after-backup")

    call_command("restore", str(target))
    assert sorted(User.objects.values_list("username", flat=True)) == ["kept"]


def test_backup_refuses_to_overwrite_a_file(tmp_path):
    target = tmp_path / "exists.backup"
    target.write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target))
    assert target.read_text() == "keep me"


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.backup"))
