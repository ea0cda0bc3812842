"""The data migration that makes an existing After-your-run checklist's stretches two-sided."""

import importlib

import pytest
from django.apps import apps

from legs.models import ChecklistStep

pytestmark = pytest.mark.django_db

migration = importlib.import_module("legs.migrations.0016_two_sided_stretches")


def shipped_before(catalogue):
    """The checklist as a site set up before the guided stretches has it."""
    for order, before, _now in migration.STEPS:
        ChecklistStep.objects.filter(checklist__slug=migration.CHECKLIST, order=order).update(
            text=before, each_side=False
        )


def test_shipped_stretches_become_two_sided_with_the_new_wording(catalogue):
    shipped_before(catalogue)
    migration.mark_two_sided(apps, None)
    steps = ChecklistStep.objects.filter(checklist__slug=migration.CHECKLIST, each_side=True)
    assert {(step.order, step.text) for step in steps} == {
        (order, now) for order, _before, now in migration.STEPS
    }


def test_a_stretch_reworded_in_the_admin_is_left_alone(catalogue):
    shipped_before(catalogue)
    order = migration.STEPS[0][0]
    step = ChecklistStep.objects.get(checklist__slug=migration.CHECKLIST, order=order)
    step.text = "Our own wording"
    step.save()
    migration.mark_two_sided(apps, None)
    step.refresh_from_db()
    assert (step.text, step.each_side) == ("Our own wording", False)


def test_the_migration_agrees_with_the_fixture(catalogue):
    two_sided = ChecklistStep.objects.filter(each_side=True)
    assert {(step.checklist.slug, step.order, step.text) for step in two_sided} == {
        (migration.CHECKLIST, order, now) for order, _before, now in migration.STEPS
    }
