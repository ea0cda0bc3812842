"""Tip, cause and "What's being asked" pages, the home page's links, the admin."""

import re

import pytest
from django.urls import reverse

from legs.models import Cause, Fact, Question, Source, Tip
from tests.factories import (
    CauseFactory,
    FactFactory,
    QuestionFactory,
    SavedTipFactory,
    SourceFactory,
    TipFactory,
    UserFactory,
)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_tip_page_shows_body_paragraphs_summary_phase_and_evidence(client, catalogue):
    tip = Tip.objects.get(slug="get-enough-sleep")
    html = page(client, tip.get_absolute_url())
    assert tip.get_absolute_url() == "/tips/get-enough-sleep/"
    assert html.count("<p>") >= 4  # the body's paragraphs
    assert "Sleep seven to nine hours a night" in html
    assert "Training &amp; lifestyle" in html
    assert "Backed by studies" in html
    assert "2014 study" in html
    assert "Last reviewed" in html
    assert "22 November 2026" in html


def test_tip_page_credits_its_source_with_a_link(client, catalogue):
    html = page(client, "/tips/adjust-your-focus/")
    assert (
        'href="https://www.avogel.co.uk/get-active/running/10-tips-to-help-heavy-legs-when-running/"'
        in html
    )
    assert "10 tips to help heavy legs when running" in html
    assert "Earle Logan" in html
    assert "A.Vogel" in html
    assert "26 July 2014" in html
    assert "Tip 4" in html
    assert "Prevent heavy legs while running" in html


def test_tip_page_links_its_causes_and_related_tips(client, catalogue):
    html = page(client, "/tips/adjust-your-stride/")
    assert 'href="/causes/running-form/"' in html
    assert 'href="/causes/lactic-acid/"' in html
    assert 'href="/tips/improve-your-running-form/"' in html
    assert 'href="/tips/adjust-your-route/"' in html


def test_tip_page_shows_where_the_sources_disagree_and_the_red_flag(client, catalogue):
    html = page(client, "/tips/improve-your-running-form/")
    assert "Where the sources disagree" in html
    assert "lengthening your stride" in html
    assert "When to stop and see someone" in html
    assert "physiotherapist" in html
    plain = page(client, "/tips/adjust-your-focus/")
    assert "Where the sources disagree" not in plain
    assert "When to stop" not in plain


def test_tip_page_shows_did_you_know_facts_its_own_first(client, catalogue):
    html = page(client, "/tips/watch-your-diet/")
    assert "Did you know?" in html
    assert "peanut butter" in html.lower()
    other = page(client, "/tips/adjust-your-focus/")  # no fact of its own: others are shown
    assert "Did you know?" in other


def test_tip_page_holds_the_comment_thread_in_its_region(client, catalogue):
    html = page(client, "/tips/adjust-your-focus/")
    section = html[html.index('<section id="comments" aria-labelledby="comments-heading">') :]
    assert '<h2 id="comments-heading"' in section
    assert 'id="comment-form"' in section


def test_herbal_gel_page_says_brand_claim_and_offers_nothing_to_buy(client, catalogue):
    html = page(client, "/tips/herbal-gels/")
    assert "Brand claim" in html
    assert "Horse chestnut" in html
    assert "arnica" in html
    assert "£" not in html
    assert "Buy now" not in html


def test_unknown_or_unpublished_tip_is_a_friendly_404(client, db):
    draft = TipFactory(is_published=False)
    for url in ("/tips/no-such-tip/", draft.get_absolute_url(), "/causes/no-such-cause/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert "Lighter Legs" in html


def test_related_tips_leave_out_unpublished_ones(client, db):
    draft = TipFactory(title="Secret draft", is_published=False)
    tip = TipFactory(related=[draft])
    assert "Secret draft" not in page(client, tip.get_absolute_url())


def test_cause_page_explains_the_cause_and_lists_its_tips(client, catalogue):
    cause = Cause.objects.get(slug="dehydration")
    html = page(client, cause.get_absolute_url())
    assert cause.get_absolute_url() == "/causes/dehydration/"
    assert cause.summary[:60] in html
    for tip in cause.tips.all():
        assert tip.get_absolute_url() in html
    assert 'href="/tips/?cause=dehydration"' in html
    assert "check-your-iron-levels" not in html


def test_cause_index_lists_every_cause_with_its_tip_count(client, catalogue):
    html = page(client, reverse("cause_list"))
    for cause in Cause.objects.all():
        assert cause.get_absolute_url() in html
    assert "5 tips" in html  # injury


def test_asked_page_answers_the_readers_questions_and_links_each_tip(client, catalogue):
    html = page(client, reverse("asked"))
    assert reverse("asked") == "/asked/"
    for question in Question.objects.select_related("tip"):
        assert f'id="question-{question.pk}"' in html
        assert question.tip.get_absolute_url() in html
    assert "knee" in html.lower()
    assert "breakfast" in html.lower()
    assert "Did you know?" in html
    assert "peanut butter" in html.lower()


def test_home_links_causes_quick_starts_questions_and_shows_facts(client, catalogue):
    html = page(client, "/")
    for cause in Cause.objects.all():
        assert f'href="{cause.get_absolute_url()}"' in html
    assert 'href="/tips/?phase=before"' in html
    assert 'href="/tips/?phase=after"' in html
    assert 'href="/asked/"' in html
    assert 'href="/causes/"' in html
    assert "Did you know?" in html


def test_nav_links_to_tips_causes_and_questions_and_my_tips_for_members(client, member):
    html = page(client, "/")
    assert 'href="/tips/"' in html
    assert 'href="/causes/"' in html
    assert 'href="/asked/"' in html
    assert 'href="/tips/saved/"' not in html
    client.force_login(member)
    assert 'href="/tips/saved/"' in page(client, "/")


@pytest.mark.parametrize("name", ["tip_list", "cause_list", "asked"])
def test_catalogue_pages_have_no_inline_script_or_handlers(client, catalogue, name):
    html = page(client, reverse(name))
    assert "<script>" not in html
    assert " on" + "click=" not in html
    assert "style=" not in html


def test_tip_detail_has_no_inline_script_or_styles(client, catalogue):
    html = page(client, "/tips/herbal-gels/")
    assert "<script>" not in html
    assert "style=" not in html


def test_script_in_catalogue_text_is_escaped_everywhere(client, db):
    payload = "<script>alert(1)</script>"
    cause = CauseFactory(name=payload, summary=payload)
    tip = TipFactory(
        title=payload,
        summary=payload,
        body=payload,
        disagreement=payload,
        red_flag=payload,
        evidence_note=payload,
        source_group=payload,
        causes=[cause],
    )
    QuestionFactory(question=payload, answer=payload, tip=tip)
    FactFactory(text=payload, tip=tip)
    urls = ["/", "/tips/", "/tips/?q=script", tip.get_absolute_url(), "/causes/", "/asked/"]
    for url in [*urls, cause.get_absolute_url()]:
        html = page(client, url)
        assert payload not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


# N+1 guard: a tip page runs the same queries whatever the size of the catalogue.
# tip + source, causes, related tips, facts, comment threads, their replies
DETAIL_QUERIES_VISITOR = 6
DETAIL_QUERIES_MEMBER = 10  # + session, user, saved?, the tips they are trying


@pytest.mark.parametrize("size", [16, 500])
def test_tip_page_query_count_does_not_grow_with_the_catalogue(
    client, db, django_assert_max_num_queries, size
):
    causes = CauseFactory.create_batch(11)
    tips = [TipFactory(causes=causes[:3]) for _ in range(size)]
    tip = tips[0]
    tip.related.set(tips[1:])  # the worst case: related to every other tip
    FactFactory.create_batch(3, tip=tip)
    with django_assert_max_num_queries(DETAIL_QUERIES_VISITOR):
        assert client.get(tip.get_absolute_url()).status_code == 200
    member = UserFactory()
    SavedTipFactory(user=member, tip=tip)
    client.force_login(member)
    with django_assert_max_num_queries(DETAIL_QUERIES_MEMBER):
        assert client.get(tip.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", [16, 500])
def test_cause_and_asked_pages_query_counts_do_not_grow(
    client, db, django_assert_max_num_queries, size
):
    cause = CauseFactory()
    tips = [TipFactory(causes=[cause]) for _ in range(size)]
    for tip in tips[:size:4]:
        QuestionFactory(tip=tip)
        FactFactory(tip=tip)
    with django_assert_max_num_queries(3):  # cause, its tips with sources, their causes
        client.get(cause.get_absolute_url())
    with django_assert_max_num_queries(1):
        client.get(reverse("cause_list"))
    with django_assert_max_num_queries(2):  # questions with tips, facts with sources and tips
        client.get(reverse("asked"))


@pytest.mark.parametrize("size", [16, 500])
def test_source_page_query_count_does_not_grow_with_its_tips(
    client, db, django_assert_max_num_queries, size
):
    source = SourceFactory()
    causes = CauseFactory.create_batch(3)
    for _ in range(size):
        TipFactory(source=source, causes=causes)
    with django_assert_max_num_queries(3):  # the source, its tips, their causes
        assert client.get(source.get_absolute_url()).status_code == 200


# --- a page per source


AVOGEL_GROUPS = [
    ("Prevent heavy legs while running", [1, 2, 3, 4]),
    ("Relieve heavy legs after running", [5, 6, 7, 8]),
    ("Remedies for tired legs", [9, 10]),
]


def test_a_source_page_lists_its_tips_in_article_order_under_its_headings(client, catalogue):
    source = Source.objects.get(slug="avogel-heavy-legs")
    html = page(client, "/sources/avogel-heavy-legs/")
    assert "“10 tips to help heavy legs when running”" in html
    assert "Earle Logan" in html
    assert f'href="{source.url}"' in html
    headings = re.findall(r'<h2 id="group-\d+" class="h4 tip-group-heading">([^<]+)</h2>', html)
    assert headings == [heading for heading, _ in AVOGEL_GROUPS]
    shown = re.findall(r'<a href="/tips/([\w-]+)/">', html)
    expected = Tip.objects.filter(source=source).order_by("source_number")
    assert shown == [tip.slug for tip in expected]
    sections = html.split('class="h4 tip-group-heading"')[1:]
    for (_, numbers), section in zip(AVOGEL_GROUPS, sections, strict=True):
        found = [
            int(n) for n in re.findall(r'<span class="text-body-secondary">(\d+)\.</span>', section)
        ]
        assert found == numbers


def test_caroline_s_page_lists_her_six_tips_in_order(client, catalogue):
    html = page(client, "/sources/run-with-caroline-heavy-legs/")
    shown = re.findall(r'<a href="/tips/([\w-]+)/">', html)
    assert shown == [
        "cool-down-after-each-run",
        "avoid-overtraining",
        "improve-your-running-form",
        "drink-enough-water",
        "get-enough-sleep",
        "check-your-iron-levels",
    ]


def test_a_source_page_leaves_out_unpublished_tips_and_unknown_sources_are_404(client, catalogue):
    Tip.objects.filter(slug="herbal-gels").update(is_published=False)
    assert "herbal-gels" not in page(client, "/sources/avogel-heavy-legs/")
    assert client.get("/sources/no-such-article/").status_code == 404


def test_every_source_credit_links_to_its_source_page(client, catalogue):
    avogel = 'href="/sources/avogel-heavy-legs/"'
    caroline = 'href="/sources/run-with-caroline-heavy-legs/"'
    tips_list = page(client, "/tips/")
    assert tips_list.count(avogel) == 10
    assert tips_list.count(caroline) == 6
    assert avogel in page(client, "/tips/massage-your-legs/")
    assert caroline in page(client, "/tips/get-enough-sleep/")
    asked_html = page(client, "/asked/")
    assert avogel in asked_html
    assert caroline in asked_html
    assert avogel in page(client, "/")


@pytest.fixture
def admin_client_logged_in(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", [Tip, Cause, Source, Question, Fact])
def test_admin_lists_and_edits_every_catalogue_model(admin_client_logged_in, catalogue, model):
    name = model._meta.model_name
    assert admin_client_logged_in.get(f"/admin/legs/{name}/").status_code == 200
    assert admin_client_logged_in.get(f"/admin/legs/{name}/?q=leg").status_code == 200
    obj = model.objects.first()
    change = admin_client_logged_in.get(f"/admin/legs/{name}/{obj.pk}/change/")
    assert change.status_code == 200
    assert "View on site" in change.content.decode()
    assert admin_client_logged_in.get(f"/admin/legs/{name}/add/").status_code == 200


def test_admin_does_not_expose_members_saved_tips(admin_client_logged_in):
    assert admin_client_logged_in.get("/admin/legs/savedtip/").status_code == 404


def test_admin_prepopulates_tip_and_cause_slugs(admin_client_logged_in):
    for name in ("tip", "cause", "source"):
        html = admin_client_logged_in.get(f"/admin/legs/{name}/add/").content.decode()
        assert "prepopulated" in html
        assert 'id="id_slug"' in html


def test_admin_edit_of_a_tip_keeps_search_in_step(admin_client_logged_in, catalogue, client):
    tip = Tip.objects.get(slug="adjust-your-focus")
    form = admin_client_logged_in.get(f"/admin/legs/tip/{tip.pk}/change/").context["adminform"]
    data = {
        name: value
        for name, value in form.form.initial.items()
        if value is not None and name not in ("causes", "related")
    }
    data |= {
        "title": "Adjust your focus: try a podcast",
        "causes": [c.pk for c in tip.causes.all()],
        "related": [t.pk for t in tip.related.all()],
        "last_reviewed": "2026-11-22",
    }
    response = admin_client_logged_in.post(f"/admin/legs/tip/{tip.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tip.refresh_from_db()
    assert "podcast" in tip.search_text
