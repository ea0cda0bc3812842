"""The data migration that gives an existing catalogue's tips what trying them means."""

import importlib

import pytest
from django.apps import apps

from legs.models import Tip
from tests.factories import TipFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("legs.migrations.0010_tip_trial_habits")


def test_tips_loaded_before_trials_get_the_habit_the_fixture_gives_them():
    TipFactory(slug="get-enough-sleep", trial_habit="tick")
    TipFactory(slug="massage-your-legs", trial_habit="tick")
    migration.set_habits(apps, None)
    assert Tip.objects.get(slug="get-enough-sleep").trial_habit == "sleep"
    assert Tip.objects.get(slug="massage-your-legs").trial_habit == "tick"


def test_a_habit_chosen_in_the_admin_is_kept():
    TipFactory(slug="get-enough-sleep", trial_habit="water")
    migration.set_habits(apps, None)
    assert Tip.objects.get(slug="get-enough-sleep").trial_habit == "water"


def test_the_migration_agrees_with_the_fixture(catalogue):
    fixture = dict(Tip.objects.exclude(trial_habit="tick").values_list("slug", "trial_habit"))
    assert fixture == migration.HABITS
