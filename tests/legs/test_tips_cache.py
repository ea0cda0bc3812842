"""A tip page's public parts (its text, source, causes, related tips, facts) drawn once and
cached for every reader under Tip.content_stamp: every write shows at once, a reader's own
state (saved, trying, their comments) never comes from the cache, and catalogue text stays
escaped on a cache hit as on the first draw."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from legs import tip_cache
from legs.models import Cause, Fact, Source, Status, Tip
from legs.models.tips import ContentStamp
from tests.factories import (
    CauseFactory,
    CommentFactory,
    FactFactory,
    SavedTipFactory,
    TipFactory,
    TrialFactory,
    UserFactory,
)
from tests.support import SCRIPT, tip_page

pytestmark = pytest.mark.django_db

ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def member_client(user=None) -> Client:
    client = Client()
    client.force_login(user or UserFactory())
    return client


def twice(client: Client, tip: Tip) -> str:
    """The page drawn, then served with its parts from the cache (the second is returned)."""
    tip_page(client, tip)
    as_read = Tip.objects.for_page(AnonymousUser(), ()).get(pk=tip.pk)  # with the stamp
    assert caches["pages"].get(tip_cache._key(as_read)) is not None
    return tip_page(client, tip)


@pytest.fixture
def tip(db):
    cause = CauseFactory(name="Tight calves")
    other = TipFactory(title="Sleep longer")
    tip = TipFactory(title="Warm up for ten minutes", causes=[cause], related=[other])
    FactFactory(tip=tip, text="Legs hold a lot of blood.")
    return tip


# --- writes show at once


def test_an_admin_edit_of_the_tip_shows_at_once(tip):
    reader = member_client()
    twice(reader, tip)
    admin = member_client(UserFactory(is_staff=True, is_superuser=True))
    form = admin.get(f"/admin/legs/tip/{tip.pk}/change/").context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("causes", "related")
    }
    data |= {
        "body": "A freshly written paragraph.",
        "causes": [cause.pk for cause in tip.causes.all()],
        "related": [],
        "last_reviewed": "2026-12-01",
    }
    response = admin.post(f"/admin/legs/tip/{tip.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    html = tip_page(reader, tip)
    assert "A freshly written paragraph." in html
    assert "1 December 2026" in html
    assert "Sleep longer" not in html  # no longer related
    assert "A freshly written paragraph." in tip_page(Client(), tip)


@pytest.mark.parametrize(
    ("write", "shown"),
    [
        (lambda tip: _rename(tip.causes.get(), "name", "Stiff calves"), "Stiff calves"),
        (lambda tip: _rename(tip.source, "title", "A renamed article"), "A renamed article"),
        (lambda tip: _rename(tip.related.get(), "title", "Sleep much longer"), "Sleep much longer"),
        (lambda tip: FactFactory(tip=tip, text="A new fact."), "A new fact."),
        (lambda tip: tip.causes.add(CauseFactory(name="Long days standing")), "Long days standing"),
        (lambda tip: tip.related.add(TipFactory(title="Raise your legs")), "Raise your legs"),
    ],
)
def test_a_write_to_anything_the_page_shows_shows_at_once(tip, write, shown):
    reader = member_client()
    twice(reader, tip)
    write(tip)
    assert shown in tip_page(reader, tip)


def _rename(instance, field: str, value: str) -> None:
    setattr(instance, field, value)
    instance.save()


def test_deleting_a_cause_or_a_fact_shows_at_once(tip):
    reader = member_client()
    html = twice(reader, tip)
    assert "Tight calves" in html
    assert "Legs hold a lot of blood." in html
    Cause.objects.get(name="Tight calves").delete()
    Fact.objects.get(text="Legs hold a lot of blood.").delete()
    html = tip_page(reader, tip)
    assert "Tight calves" not in html
    assert "Legs hold a lot of blood." not in html


def test_a_content_write_changes_one_stamp_row_and_no_tip(tip):
    TipFactory.create_batch(3, source=tip.source)
    with CaptureQueriesContext(connection) as saved:
        Source.objects.get(pk=tip.source_id).save()
    assert not [query for query in saved if "legs_tip" in query["sql"].split("SET")[0]]
    assert ContentStamp.objects.count() == 1


# --- nothing of one reader's reaches another


def test_members_never_get_each_other_s_saved_state_trial_or_comments(tip):
    first, second = UserFactory(), UserFactory()
    SavedTipFactory(user=first, tip=tip)
    TrialFactory(user=first, tip=tip)
    CommentFactory(tip=tip, user=first, body="My own waiting words", status=Status.PENDING)
    first_html = twice(member_client(first), tip)
    assert "Remove from My tips" in first_html
    assert "You are trying this tip" in first_html
    assert "My own waiting words" in first_html
    second_html = tip_page(member_client(second), tip)
    assert "Save to My tips" in second_html
    assert "Remove from My tips" not in second_html
    assert "You are trying this tip" not in second_html
    assert "My own waiting words" not in second_html
    visitor_html = tip_page(Client(), tip)
    assert "Log in to save this tip" in visitor_html
    assert "My own waiting words" not in visitor_html


def test_saving_shows_at_once_on_the_page(tip):
    member = UserFactory()
    reader = member_client(member)
    assert "Save to My tips" in twice(reader, tip)
    SavedTipFactory(user=member, tip=tip)
    assert "Remove from My tips" in tip_page(reader, tip)


# --- escaping


def test_script_in_catalogue_text_stays_escaped_on_a_cache_hit(db):
    cause = CauseFactory(name=SCRIPT)
    other = TipFactory(title=SCRIPT, summary=SCRIPT)
    tip = TipFactory(
        title=SCRIPT,
        summary=SCRIPT,
        body=SCRIPT,
        disagreement=SCRIPT,
        red_flag=SCRIPT,
        evidence_note=SCRIPT,
        source_group=SCRIPT,
        causes=[cause],
        related=[other],
    )
    FactFactory(text=SCRIPT, tip=tip)
    for client in (member_client(), Client()):
        html = twice(client, tip)
        assert SCRIPT not in html
        assert ESCAPED in html


# --- queries


def test_a_warm_member_page_reads_the_tip_once_and_nothing_it_shows_to_all(
    tip, django_assert_max_num_queries
):
    reader = member_client()
    twice(reader, tip)
    CommentFactory(tip=tip, created=timezone.now() - datetime.timedelta(days=2))
    tip_page(reader, tip)
    # session, user, the tip with the reader's saved state and own comments, their trials
    with django_assert_max_num_queries(4):
        tip_page(reader, tip)
