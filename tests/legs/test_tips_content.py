"""The catalogue fixture: every tip of both articles, credited, labelled and linked."""

import pytest

from legs.models import Cause, Evidence, Fact, Phase, Question, Source, Tip

AVOGEL_TIPS = {
    1: ("Prevent heavy legs while running", "warm-up-for-ten-minutes"),
    2: ("Prevent heavy legs while running", "adjust-your-route"),
    3: ("Prevent heavy legs while running", "adjust-your-stride"),
    4: ("Prevent heavy legs while running", "adjust-your-focus"),
    5: ("Relieve heavy legs after running", "stretch-after-your-run"),
    6: ("Relieve heavy legs after running", "rice-rest-ice-compression-elevation"),
    7: ("Relieve heavy legs after running", "massage-your-legs"),
    8: ("Relieve heavy legs after running", "check-for-injuries"),
    9: ("Remedies for tired legs", "watch-your-diet"),
    10: ("Remedies for tired legs", "herbal-gels"),
}
CAROLINE_TIPS = {
    1: "cool-down-after-each-run",
    2: "avoid-overtraining",
    3: "improve-your-running-form",
    4: "drink-enough-water",
    5: "get-enough-sleep",
    6: "check-your-iron-levels",
}
SPEC_CAUSES = {
    "lactic-acid",
    "poor-blood-flow",
    "overtraining",
    "monotony",
    "dehydration",
    "running-form",
    "lack-of-sleep",
    "iron-deficiency",
    "injury",
    "post-viral-fatigue",
    "nutrition",
}
# The concrete figures and instructions each tip must keep from its article.
KEPT_DETAILS = {
    "warm-up-for-ten-minutes": ["ten minutes", "stretch"],
    "adjust-your-route": ["10 km", "rest day", "long runs", "three kilometres"],
    "adjust-your-stride": ["sprints", "longer", "lactic acid"],
    "adjust-your-focus": ["music", "bends", "treadmill"],
    "stretch-after-your-run": ["cramp", "injured"],
    "rice-rest-ice-compression-elevation": ["Rest", "Ice", "Compression", "Elevation", "PRICE"],
    "massage-your-legs": ["blood flow", "train hard and regularly"],
    "check-for-injuries": ["strain", "sprain", "stress fracture", "couple of months"],
    "watch-your-diet": ["water", "energy bar", "wholegrain", "dark chocolate", "salt"],
    "herbal-gels": ["Horse chestnut", "arnica", "veins"],
    "cool-down-after-each-run": ["10-minute", "20 to 45 seconds", "foam rolling", "glutes"],
    "avoid-overtraining": ["marathon", "too quickly", "injury", "few days"],
    "improve-your-running-form": ["cadence", "quick steps", "bounce"],
    "drink-enough-water": ["cramping", "thirst", "hot weather"],
    "get-enough-sleep": ["seven to nine hours", "2014 study", "nap"],
    "check-your-iron-levels": ["blood test", "GP", "vegetarian or vegan", "pulses", "periods"],
}


def test_both_articles_are_credited_with_title_author_site_date_and_link(catalogue):
    sources = {source.site: source for source in Source.objects.all()}
    assert set(sources) == {"A.Vogel", "Run With Caroline"}
    avogel, caroline = sources["A.Vogel"], sources["Run With Caroline"]
    assert (avogel.author, avogel.published.isoformat()) == ("Earle Logan", "2014-07-26")
    assert (caroline.author, caroline.published.isoformat()) == ("Caroline Geoghegan", "2020-10-24")
    assert avogel.title == "10 tips to help heavy legs when running"
    assert caroline.title == "6 simple ways to prevent heavy legs when running"
    assert all(source.url.startswith("https://") for source in sources.values())


def test_all_ten_avogel_tips_are_present_in_their_three_groups(catalogue):
    tips = Tip.objects.filter(source__site="A.Vogel")
    found = {tip.source_number: (tip.source_group, tip.slug) for tip in tips}
    assert found == AVOGEL_TIPS
    assert len({group for group, _ in found.values()}) == 3


def test_all_six_run_with_caroline_tips_are_present(catalogue):
    tips = Tip.objects.filter(source__site="Run With Caroline")
    assert {tip.source_number: tip.slug for tip in tips} == CAROLINE_TIPS
    assert Tip.objects.count() == 16


@pytest.mark.parametrize(("slug", "details"), KEPT_DETAILS.items())
def test_each_tip_keeps_the_figures_and_instructions_of_its_article(catalogue, slug, details):
    tip = Tip.objects.get(slug=slug)
    text = f"{tip.title}\n{tip.summary}\n{tip.body}".lower()
    missing = [detail for detail in details if detail.lower() not in text]
    assert missing == []


def test_every_tip_is_complete_labelled_reviewed_and_linked(catalogue):
    for tip in Tip.objects.prefetch_related("causes", "related"):
        assert tip.is_published, tip.slug
        assert tip.summary, tip.slug
        assert tip.body.count("\n\n") >= 2, f"{tip.slug}: several paragraphs"
        assert tip.phase in Phase.values
        assert tip.evidence in Evidence.values, tip.slug
        assert tip.evidence_note, tip.slug
        assert tip.last_reviewed, tip.slug
        assert tip.causes.exists(), f"{tip.slug} addresses no cause"
        assert tip.related.exists(), f"{tip.slug} has no related tips"


def test_related_tips_survive_loading_in_both_directions(catalogue):
    # The relation is symmetrical: a one-sided link in the fixture would be dropped on load.
    for tip in Tip.objects.prefetch_related("related"):
        for other in tip.related.all():
            assert tip in other.related.all(), f"{tip.slug} <-> {other.slug}"


def test_every_cause_of_the_spec_is_explained_and_has_tips(catalogue):
    causes = Cause.objects.all()
    assert {cause.slug for cause in causes} == SPEC_CAUSES
    for cause in causes:
        assert len(cause.summary) > 80, cause.slug
        assert cause.tips.exists(), f"no tip addresses {cause.slug}"


def test_the_herbal_gel_tip_is_labelled_a_brand_claim_and_sells_nothing(catalogue):
    tip = Tip.objects.get(slug="herbal-gels")
    assert tip.evidence == Evidence.BRAND
    assert "horse chestnut" in tip.body.lower()
    assert "arnica" in tip.body.lower()
    assert "sell" in tip.body.lower()
    assert "£" not in tip.body
    assert "buy" not in tip.body.lower()
    assert Tip.objects.filter(evidence=Evidence.BRAND).count() == 1


def test_the_stride_disagreement_is_stated_on_both_stride_tips(catalogue):
    for slug in ("adjust-your-stride", "improve-your-running-form"):
        disagreement = Tip.objects.get(slug=slug).disagreement.lower()
        assert "lengthen" in disagreement
        assert "quick steps" in disagreement


def test_red_flags_send_runners_to_a_physiotherapist_then_a_doctor(catalogue):
    injury = Tip.objects.get(slug="check-for-injuries").red_flag.lower()
    assert "never run on an injury" in injury
    assert "one leg" in injury
    assert "pins and needles" in injury
    assert "numbness" in injury
    assert injury.index("physiotherapist") < injury.index("doctor")
    post_viral = Tip.objects.get(slug="avoid-overtraining").red_flag.lower()
    assert "viral" in post_viral
    assert "easy" in post_viral
    assert "rest" in post_viral


def test_whats_being_asked_has_the_three_reader_questions_each_with_a_tip(catalogue):
    questions = Question.objects.published()
    texts = " ".join(question.question.lower() for question in questions)
    assert len(questions) == 3
    assert "knee" in texts
    assert "hip" in texts
    assert "breakfast" in texts
    assert all(question.tip and question.answer for question in questions)


def test_did_you_know_includes_the_peanut_butter_fact(catalogue):
    facts = " ".join(Fact.objects.values_list("text", flat=True)).lower()
    assert "peanut butter" in facts
    assert "low glycaemic index" in facts
    assert Fact.objects.count() >= 8


def test_the_peanut_butter_fact_is_as_strong_as_the_article(catalogue):
    """The article: a great fuel before a 5K or 10K for its low GI, high carbohydrate and high
    protein content. Not merely "provides both"."""
    peanut = Fact.objects.get(text__icontains="peanut butter").text
    assert "5K or 10K" in peanut
    assert "low glycaemic index" in peanut
    assert "high carbohydrate and high protein" in peanut


def test_only_tips_that_rest_the_legs_suit_a_rest_and_get_checked_result(catalogue):
    suit_rest = set(Tip.objects.filter(suits_rest=True).values_list("slug", flat=True))
    assert suit_rest == {
        "check-for-injuries",
        "watch-your-diet",
        "avoid-overtraining",
        "drink-enough-water",
        "get-enough-sleep",
        "check-your-iron-levels",
    }


def test_fixture_rows_get_their_search_text_although_loaddata_skips_save(catalogue):
    tip = Tip.objects.get(slug="warm-up-for-ten-minutes")
    assert tip.search_text.startswith("warm up: give it ten minutes")
    assert Cause.objects.get(slug="poor-blood-flow").search_name == "poor blood flow / no warm-up"
