"""/tips/: grouping, filters, search (full page and HTMX fragment), bad input, query counts."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from legs.models import Cause, Phase, Tip
from legs.models.tips import fold_for_search, search_terms
from tests.factories import (
    CauseFactory,
    FactFactory,
    QuestionFactory,
    SourceFactory,
    TipFactory,
)
from tests.support import HTMX

URL = "/tips/"


def shown_slugs(response) -> set[str]:
    return {tip.slug for group in response.context["groups"] for tip in group.tips}


def test_tip_list_url_is_named_tip_list():
    assert reverse("tip_list") == URL


def test_all_sixteen_tips_are_listed_grouped_by_phase_in_order(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.phase for group in groups] == Phase.values
    assert sum(len(group.tips) for group in groups) == 16
    html = response.content.decode()
    assert html.index("Before your run") < html.index("During your run") < html.index("Remedies")
    assert "All 16 tips" in html
    for tip in Tip.objects.all():
        assert tip.get_absolute_url() in html


def test_filter_by_phase_shows_only_that_phase(client, catalogue):
    response = client.get(URL, {"phase": "after"})
    assert shown_slugs(response) == set(
        Tip.objects.filter(phase="after").values_list("slug", flat=True)
    )
    assert "Before your run" not in response.content.decode().split('id="tip-results"')[1]


def test_filter_by_cause_shows_only_tips_for_that_cause(client, catalogue):
    response = client.get(URL, {"cause": "iron-deficiency"})
    assert shown_slugs(response) == {"check-your-iron-levels"}
    assert "Iron deficiency" in response.content.decode()


def test_phase_and_cause_filters_combine(client, catalogue):
    response = client.get(URL, {"cause": "injury", "phase": "after"})
    assert shown_slugs(response) == set(
        Tip.objects.filter(causes__slug="injury", phase="after").values_list("slug", flat=True)
    )
    assert "check-for-injuries" not in shown_slugs(response)  # an injury tip, but "before"


def test_search_matches_title_summary_and_body(client, catalogue):
    assert "get-enough-sleep" in shown_slugs(client.get(URL, {"q": "seven to nine"}))
    assert shown_slugs(client.get(URL, {"q": "dark chocolate"})) == {"watch-your-diet"}
    assert shown_slugs(client.get(URL, {"q": "pulses"})) == {"check-your-iron-levels"}


def test_search_is_case_and_accent_insensitive(client, catalogue):
    expected = shown_slugs(client.get(URL, {"q": "chocolate"}))
    for query in ("CHOCOLATE", "chocolaté", "ChÔcOlÀtE"):
        assert shown_slugs(client.get(URL, {"q": query})) == expected, query


def test_accented_content_is_found_by_plain_and_shouting_queries(client, db):
    tip = TipFactory(title="Échauffement dynamique", body="Crème brûlée après la course.")
    TipFactory(title="Something else entirely")
    for query in ("échauffement", "ÉCHAUFFEMENT", "éCHAUFFEMENT", "echauffement", "BRULEE"):
        assert shown_slugs(client.get(URL, {"q": query})) == {tip.slug}, query


def test_search_finds_tips_by_the_name_of_a_cause_they_address(client, catalogue):
    focus = Tip.objects.get(slug="adjust-your-focus")
    assert "monoton" not in f"{focus.title} {focus.summary} {focus.body}".lower()
    assert shown_slugs(client.get(URL, {"q": "MONOTONY"})) == {"adjust-your-focus"}


def test_search_by_cause_name_lists_each_tip_once(client, db):
    cause_a, cause_b = CauseFactory(name="Leg fatigue A"), CauseFactory(name="Leg fatigue B")
    tip = TipFactory(causes=[cause_a, cause_b])
    response = client.get(URL, {"q": "fatigue"})
    assert [t.slug for group in response.context["groups"] for t in group.tips] == [tip.slug]


def test_renamed_cause_is_found_under_its_new_name(client, db):
    cause = CauseFactory(name="Old name")
    tip = TipFactory(causes=[cause])
    cause.name = "Ferritin"
    cause.save()
    assert shown_slugs(client.get(URL, {"q": "ferritin"})) == {tip.slug}


def test_search_needs_every_word_but_words_may_sit_in_text_or_cause(client, catalogue):
    # "iron" is in the tip's text; "deficiency" only in its cause's name.
    assert shown_slugs(client.get(URL, {"q": "iron deficiency"})) == {"check-your-iron-levels"}
    assert shown_slugs(client.get(URL, {"q": "iron chocolate"})) == set()


def test_edited_tip_is_found_by_its_new_words(client, db):
    tip = TipFactory(title="Plain title")
    tip.body = "Now mentions hill repeats."
    tip.save(update_fields=["body"])
    assert shown_slugs(client.get(URL, {"q": "repeats"})) == {tip.slug}


def test_search_combines_with_filters(client, catalogue):
    response = client.get(URL, {"q": "stretch", "phase": "after"})
    slugs = shown_slugs(response)
    assert slugs
    assert all(Tip.objects.get(slug=slug).phase == "after" for slug in slugs)
    assert "warm-up-for-ten-minutes" not in slugs  # mentions stretching, but "before"


def test_htmx_request_gets_only_the_results_fragment_with_vary(client, catalogue):
    response = client.get(URL, {"q": "sleep"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Sleep seven to nine hours a night" in html
    assert "Warm up: give it ten minutes" not in html
    assert "HX-Request" in response["Vary"]
    # The result count goes to the live region out of band.
    assert 'id="results-status" hx-swap-oob="innerHTML"' in html


def test_full_page_also_varies_on_hx_request(client, catalogue):
    response = client.get(URL, {"q": "sleep"})
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert "hx-swap-oob" not in response.content.decode()


def test_htmx_history_restore_gets_the_full_page(client, catalogue):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(URL, {"q": "sleep"}, headers=headers).content.decode()


def test_htmx_response_pushes_a_tidy_shareable_url(client, catalogue):
    response = client.get(URL, {"q": " sleep ", "phase": "", "cause": ""}, headers=HTMX)
    assert response["HX-Push-Url"] == "/tips/?q=sleep"
    response = client.get(URL, {"q": "", "phase": "nonsense", "cause": "injury"}, headers=HTMX)
    assert response["HX-Push-Url"] == "/tips/?cause=injury"
    assert client.get(URL, {"q": ""}, headers=HTMX)["HX-Push-Url"] == "/tips/"


def test_search_form_is_a_real_get_form_with_live_htmx_search(client, catalogue):
    html = client.get(URL).content.decode()
    assert 'method="get" action="/tips/"' in html
    assert 'hx-get="/tips/"' in html
    assert 'hx-trigger="input changed delay:300ms, search' in html
    assert 'hx-target="#tip-results"' in html
    assert 'hx-push-url="true"' in html
    assert 'type="search"' in html
    assert 'name="q"' in html
    assert 'maxlength="100"' in html
    assert 'aria-live="polite"' in html


def test_filters_are_kept_in_the_form_after_a_plain_submit(client, catalogue):
    html = client.get(URL, {"q": "sleep", "phase": "lifestyle", "cause": "lack-of-sleep"})
    html = html.content.decode()
    assert 'value="sleep"' in html
    assert '<option value="lifestyle" selected>' in html
    assert '<option value="lack-of-sleep" selected>' in html


def test_no_results_show_a_helpful_empty_state(client, catalogue):
    response = client.get(URL, {"q": "zebra crossing"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No tips match “zebra crossing”" in html
    assert 'href="/tips/"' in html
    assert "Show all tips" in html
    assert 'href="/causes/"' in html
    assert "Browse the causes" in html
    fragment = client.get(URL, {"q": "zebra crossing"}, headers=HTMX).content.decode()
    assert "Show all tips" in fragment


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"phase": "nonsense"}, "There is no phase called “nonsense”"),
        ({"cause": "not-a-cause"}, "We have no cause called “not-a-cause”"),
        ({"q": "x" * 10_000}, "longer than 100 characters"),
    ],
)
def test_bad_filter_values_show_the_unfiltered_list_with_a_message(
    client, catalogue, params, message
):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert len(shown_slugs(response)) == 16
    assert message in response.content.decode()
    fragment = client.get(URL, params, headers=HTMX)
    assert fragment.status_code == 200
    assert message in fragment.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"cause": "a\x00b"},
        {"phase": "\x00"},
        {"cause": "x" * 10_000},
        {"q": "%_%"},
        {"q": "\\"},
        {"cause": "İnjury"},
        {"phase": ["after", "before"], "q": ["a", "b"]},
    ],
)
def test_hostile_query_strings_never_cause_a_server_error(client, catalogue, params):
    assert client.get(URL, params).status_code == 200


def test_bad_values_are_not_shown_back_in_the_form(client, catalogue):
    html = client.get(URL, {"phase": "nonsense", "q": "x" * 10_000}).content.decode()
    assert 'value="nonsense"' not in html
    assert "x" * 101 not in html


def test_script_typed_in_the_search_box_is_escaped(client, catalogue):
    payload = "<script>alert('q')</script>"
    for response in (
        client.get(URL, {"q": payload}),
        client.get(URL, {"q": payload}, headers=HTMX),
    ):
        html = response.content.decode()
        assert payload not in html
        assert "&lt;script&gt;alert(&#x27;q&#x27;)&lt;/script&gt;" in html


def test_script_in_a_bad_filter_value_is_escaped(client, catalogue):
    html = client.get(URL, {"cause": "<img src=x>", "phase": "<b>x</b>"}).content.decode()
    assert "<img src=x>" not in html
    assert "<b>x</b>" not in html
    assert "&lt;img src=x&gt;" in html


def test_unpublished_tips_are_not_listed_or_found(client, db):
    TipFactory(title="Hidden draft", is_published=False)
    response = client.get(URL, {"q": "hidden"})
    assert shown_slugs(response) == set()


def test_folding_strips_accents_and_case_and_typographic_quotes():
    assert fold_for_search("ÉCHAUFFEMENT") == "echauffement"
    assert fold_for_search("Straße Œuvre Øre ŁÓDŹ") == "strasse oeuvre ore lodz"
    assert fold_for_search("don’t – stop") == "don't - stop"
    assert fold_for_search("e\u0301") == "e"  # a decomposed accent, as some keyboards send


def test_search_terms_are_distinct_folded_and_capped():
    assert search_terms("  Iron IRON íron  sleep ") == ["iron", "sleep"]
    assert len(search_terms(" ".join(f"w{n}" for n in range(50)))) == 10


# --- the search covers the site, not only tips


def found(response) -> dict[str, list[str]]:
    """What a search found beside the tips, by kind, as text."""
    return {kind.kind: [str(item) for item in kind.items] for kind in response.context["elsewhere"]}


def test_search_finds_the_facts_and_answers_the_site_gives_not_only_tips(client, catalogue):
    response = client.get(URL, {"q": "peanut"})
    html = response.content.decode()
    assert found(response).keys() == {"facts"}
    assert "No tips match" not in html
    assert "No tips and 1 fact matching “peanut”" in html
    assert '<h2 id="found-facts"' in html
    assert "low glycaemic index" in html
    assert 'href="/sources/avogel-heavy-legs/"' in html


def test_search_lists_each_kind_under_its_own_heading(client, catalogue):
    response = client.get(URL, {"q": "sleep"})
    html = response.content.decode()
    kinds = found(response)
    assert "Lack of sleep" in kinds["causes"]
    assert kinds["facts"]
    assert "get-enough-sleep" in shown_slugs(response)
    tips_at = html.index('id="phase-lifestyle"')
    assert tips_at < html.index('id="found-causes"') < html.index('id="found-facts"')


def test_search_finds_reader_questions_by_their_answers_too(client, catalogue):
    response = client.get(URL, {"q": "footfall"})
    assert found(response) == {"questions": ["How can I stop my knees hurting when I run?"]}
    html = response.content.decode()
    assert "What’s being asked" in html
    assert 'href="/asked/#question-' in html


def test_search_of_every_kind_is_case_and_accent_insensitive(client, db):
    FactFactory(text="L’échauffement dure dix minutes.")
    QuestionFactory(question="Faut-il s’étirer?", answer="Oui, après la course.")
    CauseFactory(name="Fatigue généralisée", summary="Quand tout pèse.")
    for query in ("ÉCHAUFFEMENT", "echauffement", "Échauffement"):
        assert found(client.get(URL, {"q": query})) == {
            "facts": ["L’échauffement dure dix minutes."]
        }
    for query in ("ETIRER", "étirer", "apres"):
        assert list(found(client.get(URL, {"q": query}))) == ["questions"], query
    for query in ("GENERALISEE", "pese"):
        assert found(client.get(URL, {"q": query})) == {"causes": ["Fatigue généralisée"]}, query


def test_unpublished_reader_questions_are_not_found(client, db):
    QuestionFactory(question="A hidden question about rowing", is_published=False)
    assert found(client.get(URL, {"q": "rowing"})) == {}


def test_phase_and_cause_filters_keep_the_list_to_tips(client, catalogue):
    assert found(client.get(URL, {"q": "sleep", "phase": "lifestyle"})) == {}
    assert found(client.get(URL, {"q": "sleep", "cause": "lack-of-sleep"})) == {}


def test_the_search_fragment_carries_the_other_kinds_and_their_count(client, catalogue):
    response = client.get(URL, {"q": "peanut"}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert '<h2 id="found-facts"' in html
    assert "No tips and 1 fact matching “peanut”" in html


def build_catalogue(size: int) -> None:
    """`size` published tips, each with two causes and two related tips, in every phase."""
    sources = SourceFactory.create_batch(2)
    causes = CauseFactory.create_batch(11)
    tips = []
    for n in range(size):
        tip = TipFactory(
            source=sources[n % 2],
            causes=[causes[n % 11], causes[(n + 3) % 11]],
            body="Paragraph one about legs.\n\nParagraph two.",
        )
        if len(tips) >= 2:
            tip.related.set(tips[-2:])
        tips.append(tip)
        if n % 4 == 0:
            FactFactory(tip=tip, text=f"Fact {n} about legs and causes.")
            QuestionFactory(tip=tip, question=f"Question {n} about legs?", answer="A cause.")


# N+1 guard: the list runs the same few queries whether it shows 16 tips or 500.
LIST_QUERIES = 4  # cause choices, tips with sources, their causes, (cause filter lookup)
SEARCH_QUERIES = LIST_QUERIES + 3  # + the causes, reader questions and facts found


@pytest.mark.parametrize("size", [16, 500])
@pytest.mark.parametrize(
    "params", [{}, {"q": "legs"}, {"phase": "after"}, {"cause": "cause-0"}, {"q": "cause"}]
)
def test_tip_list_query_count_does_not_grow_with_tips(
    client, db, django_assert_max_num_queries, size, params
):
    build_catalogue(size)
    if "cause" in params:
        params = {"cause": Cause.objects.first().slug}
    most = SEARCH_QUERIES if list(params) == ["q"] else LIST_QUERIES
    with django_assert_max_num_queries(most):
        response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["tip_count"] > 0
    if list(params) == ["q"]:
        assert response.context["elsewhere"]
    with django_assert_max_num_queries(most):
        client.get(URL, params, headers=HTMX)


@given(st.text(max_size=200))
def test_every_word_of_a_text_is_found_in_its_folded_form(text):
    # The search guarantee: typing any word of a tip, in any case or accents, finds it.
    folded = fold_for_search(text)
    for word in text.split():
        for term in search_terms(word):
            assert term in folded
