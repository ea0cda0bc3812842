import re
from collections import deque

import pytest
from django.test import Client
from django.urls import reverse

from legs.formats import call_links
from legs.models import (
    Checklist,
    ChecklistRun,
    Triage,
    TroubleshooterAnswer,
    TroubleshooterQuestion,
)
from legs.troubleshooter import most_urgent
from tests.support import HTMX, TROUBLESHOOTER

pytestmark = pytest.mark.django_db

PAGE = f"/checklists/{TROUBLESHOOTER}/"
ANSWER_URL = f"/checklists/{TROUBLESHOOTER}/answer/"
RESULT = f"/checklists/{TROUBLESHOOTER}/result/"

# The ends of an ordinary path: no illness, same mileage, enough sleep and water, good habits.
ORDINARY_END = [
    ("recent-illness", "No"),
    ("mileage-jump", "No, about the same"),
    ("sleep", "7 to 9 hours"),
    ("water", "Enough"),
    ("diet-iron", "None of these"),
    ("warm-up", "I warm up for about 10 minutes"),
]
PATHS = {
    "emergency, both legs and saddle numbness": (
        [
            ("how-long", "Only on today"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "Numbness or weakness in both legs"),
        ],
        Triage.EMERGENCY,
    ),
    "emergency, swollen leg and breathless": (
        [
            ("how-long", "A few days"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "Yes, and I have chest pain"),
        ],
        Triage.EMERGENCY,
    ),
    "urgent, a possible clot": (
        [
            ("how-long", "Only on today"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "Yes, one or more"),
        ],
        Triage.URGENT,
    ),
    "physiotherapist, one leg after rest": (
        [
            ("how-long", "A few days"),
            ("one-or-both", "Mostly one leg"),
            ("one-leg-signs", "No"),
            ("one-leg-rest", "Yes, it is still there"),
            *ORDINARY_END,
        ],
        Triage.PHYSIO,
    ),
    "blood test, lasting heaviness and tiredness": (
        [
            ("how-long", "More than two weeks"),
            ("tiredness", "Yes, tired most days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            *ORDINARY_END,
        ],
        Triage.BLOOD_TEST,
    ),
    "self-care": (
        [
            ("how-long", "A few days"),
            ("one-or-both", "Both legs"),
            ("warning-signs", "None of these"),
            *ORDINARY_END,
        ],
        Triage.SELF_CARE,
    ),
}


@pytest.fixture
def content(catalogue):
    return Checklist.objects.get(slug=TROUBLESHOOTER)


def answer(slug, text):
    return TroubleshooterAnswer.objects.get(
        question__checklist__slug=TROUBLESHOOTER, question__slug=slug, text__startswith=text
    )


def post_answer(client, slug, text, **kwargs):
    return client.post(ANSWER_URL, {"question": slug, "answer": answer(slug, text).pk}, **kwargs)


def walk(client, steps, **kwargs):
    response = None
    for slug, text in steps:
        response = post_answer(client, slug, text, **kwargs)
    return response


def saved_answers(client):
    return client.session["checklists"][str(Checklist.objects.get(slug=TROUBLESHOOTER).pk)][
        "answers"
    ]


def checked(html, answer_obj):
    return re.search(rf'value="{answer_obj.pk}"[^>]*\bchecked\b', html) is not None


# --- one question at a time


def test_the_first_question_comes_first(client, content):
    response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "How long have your legs felt heavy?" in html
    assert 'type="radio"' in html
    assert 'hx-history="false"' in html
    assert "Back" not in html.split('id="troubleshooter"')[1]


def test_an_answer_without_htmx_redirects_to_the_next_questions_address(client, content):
    response = post_answer(client, "how-long", "Only on today")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?q=one-or-both"
    html = client.get(response["Location"]).content.decode()
    assert "Is it one leg or both?" in html
    assert f'href="{PAGE}?q=how-long"' in html  # Back


def test_an_answer_with_htmx_swaps_in_the_next_question_and_pushes_its_address(client, content):
    response = post_answer(client, "how-long", "Only on today", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == f"{PAGE}?q=one-or-both"
    assert "Is it one leg or both?" in html
    assert 'hx-push-url="true"' in html  # the Back link


def test_back_shows_the_previous_question_with_its_answer_kept(client, content):
    walk(client, [("how-long", "More than two weeks"), ("tiredness", "No, it is only")])
    response = client.get(f"{PAGE}?q=how-long", headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert checked(html, answer("how-long", "More than two weeks"))
    assert not checked(html, answer("how-long", "Only on today"))
    assert checked(
        client.get(f"{PAGE}?q=tiredness").content.decode(), answer("tiredness", "No, it is only")
    )


def test_a_reload_keeps_the_place(client, content):
    walk(client, [("how-long", "Only on today"), ("one-or-both", "Both legs")])
    html = client.get(PAGE).content.decode()
    assert "Do you have any of these?" in html
    assert "Question 3" in html


def test_answering_again_with_the_same_answer_keeps_the_later_answers(client, content):
    walk(
        client,
        [("how-long", "Only on today"), ("one-or-both", "Both legs"), ("warning-signs", "None")],
    )
    response = post_answer(client, "how-long", "Only on today")
    assert response["Location"] == f"{PAGE}?q=one-or-both"
    assert len(saved_answers(client)) == 3


def test_changing_an_earlier_answer_drops_the_answers_after_it(client, content):
    walk(client, [("how-long", "Only on today"), ("one-or-both", "Both legs")])
    response = post_answer(client, "how-long", "More than two weeks")
    assert response["Location"] == f"{PAGE}?q=tiredness"
    assert saved_answers(client) == [answer("how-long", "More than two weeks").pk]


# --- results and triage


@pytest.mark.parametrize("name", list(PATHS))
def test_each_triage_level_is_reached_and_shown_first(client, content, name):
    steps, level = PATHS[name]
    response = walk(client, steps)
    assert response["Location"] == RESULT
    page = client.get(RESULT)
    html = page.content.decode()
    assert page.status_code == 200
    label = call_links(Triage(level).label)
    assert f"data-focus-after-swap>{label}</h2>" in html
    if level in (Triage.EMERGENCY, Triage.URGENT):
        assert "Likely causes" not in html
    else:
        assert html.index(label) < html.index("Likely causes")


@pytest.mark.parametrize(
    "steps",
    [PATHS["emergency, both legs and saddle numbness"][0], PATHS["urgent, a possible clot"][0]],
)
def test_an_emergency_or_urgent_answer_stops_the_questions_at_once(client, content, steps):
    *before, last = steps
    walk(client, before)
    response = post_answer(client, *last)
    assert response["Location"] == RESULT
    assert len(saved_answers(client)) == len(steps)
    later = client.get(f"{PAGE}?q=sleep")
    assert later.status_code == 302
    assert later["Location"] == RESULT
    assert client.get(PAGE)["Location"] == RESULT


def test_the_result_ranks_causes_and_lists_their_tips(client, content):
    walk(
        client,
        [
            ("how-long", "Only on today"),  # lactic acid
            ("one-or-both", "Both legs"),
            ("warning-signs", "None"),
            ("recent-illness", "No"),
            ("mileage-jump", "Yes: more distance"),  # overtraining
            ("sleep", "7 to 9"),
            ("water", "Enough"),
            ("diet-iron", "None"),
            ("warm-up", "Neither"),  # poor blood flow + lactic acid
        ],
    )
    html = client.get(RESULT).content.decode()
    likely, possible = html.split("Also possible")
    cause_link = r'<h4 class="h5 mb-1"><a href="/causes/([\w-]+)/">'
    assert "Most likely" in likely
    assert re.findall(cause_link, likely) == ["lactic-acid"]
    assert re.findall(cause_link, possible) == ["poor-blood-flow", "overtraining"]
    assert "2 of your answers point here." in html
    assert 'href="/tips/warm-up-for-ten-minutes/"' in html
    assert 'href="/tips/avoid-overtraining/"' in html
    assert f'href="{PAGE}?q=mileage-jump"' in html  # change an answer


def _route_to(question: TroubleshooterQuestion) -> list[TroubleshooterAnswer]:
    """Answers (first choices) leading from the start to ``question``: breadth-first."""
    start = question.checklist.questions.first()
    routes = {start.pk: []}
    waiting = deque([start])
    while waiting:
        current = waiting.popleft()
        for option in current.answers.all():
            if option.next_question_id and option.next_question_id not in routes:
                routes[option.next_question_id] = [*routes[current.pk], option]
                waiting.append(option.next_question)
    return routes[question.pk]


def test_every_answer_that_ends_the_questions_leads_to_a_result_page(content):
    ends = TroubleshooterAnswer.objects.filter(ends=True, question__checklist=content)
    assert ends.count() >= 7
    for last in ends.select_related("question"):
        client = Client()
        route = [*_route_to(last.question), last]
        for item in route:
            response = client.post(ANSWER_URL, {"question": item.question.slug, "answer": item.pk})
        assert response["Location"] == RESULT, last
        expected = call_links(Triage(most_urgent(route)).label)
        assert expected in client.get(RESULT).content.decode(), last


def test_the_last_answer_with_htmx_swaps_in_the_result_and_pushes_its_address(client, content):
    steps, _ = PATHS["urgent, a possible clot"]
    walk(client, steps[:-1])
    response = post_answer(client, *steps[-1], headers=HTMX)
    html = response.content.decode()
    assert response["HX-Push-Url"] == RESULT
    assert "<html" not in html
    assert Triage.URGENT.label in html


def test_the_result_before_the_end_sends_you_back_to_the_questions(client, content):
    post_answer(client, "how-long", "Only on today")
    response = client.get(RESULT, follow=True)
    assert response.redirect_chain[-1][0] == f"{PAGE}?q=one-or-both"
    assert "Answer the remaining questions" in response.content.decode()


def test_start_again_clears_the_answers(client, content):
    walk(client, PATHS["urgent, a possible clot"][0])
    response = client.post(reverse("checklist_restart", args=[TROUBLESHOOTER]))
    assert response["Location"] == PAGE
    assert "How long have your legs felt heavy?" in client.get(PAGE).content.decode()
    assert client.get(RESULT).status_code == 302


# --- members


def test_a_members_answers_are_saved_in_order_and_the_run_finishes_at_the_result(
    member_client, member, content
):
    steps, _ = PATHS["physiotherapist, one leg after rest"]
    walk(member_client, steps)
    run = ChecklistRun.objects.get(user=member, checklist=content)
    assert run.finished is not None
    given = [row.answer for row in run.answer_rows.select_related("answer__question")]
    assert [(item.question.slug) for item in given] == [slug for slug, _ in steps]
    fresh = Client()
    fresh.force_login(member)
    assert Triage.PHYSIO.label in fresh.get(RESULT).content.decode()
    html = fresh.get(run.get_absolute_url()).content.decode()
    assert Triage.PHYSIO.label in html


def test_a_member_going_back_and_changing_an_answer_reopens_the_run(member_client, member, content):
    walk(member_client, PATHS["urgent, a possible clot"][0])
    post_answer(member_client, "one-or-both", "Both legs")
    run = ChecklistRun.objects.get(user=member)
    assert run.finished is None
    assert run.answer_rows.count() == 2


# --- bad input


def test_a_question_not_reached_yet_cannot_be_answered(client, content):
    response = post_answer(client, "sleep", "Less than 7", follow=True)
    assert "not the next one" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"{PAGE}?q=how-long"
    assert "checklists" not in client.session


def test_a_question_not_reached_yet_cannot_be_opened(client, content):
    response = client.get(f"{PAGE}?q=sleep")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?q=how-long"


def test_an_unknown_question_is_a_404(client, content):
    assert client.get(f"{PAGE}?q=no-such-question").status_code == 404
    response = client.post(ANSWER_URL, {"question": "no-such-question", "answer": 1})
    assert response.status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_an_answer_of_another_question_is_refused_with_a_message(client, content, headers):
    other = answer("sleep", "Less than 7")
    response = client.post(
        ANSWER_URL, {"question": "how-long", "answer": other.pk}, headers=headers
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the answers shown." in html
    assert ("<html" in html) is not bool(headers)  # HTMX gets the question fragment only
    assert "checklists" not in client.session


@pytest.mark.parametrize("value", ["", "999999", "abc"])
def test_a_missing_or_unknown_answer_id_is_refused_with_a_message(client, content, value):
    response = client.post(ANSWER_URL, {"question": "how-long", "answer": value})
    assert response.status_code == 200
    assert "Choose" in response.content.decode()
    assert "checklists" not in client.session


def test_answering_a_checklist_that_is_not_a_troubleshooter_is_a_404(client, content):
    url = reverse("troubleshooter_answer", args=["after-your-run"])
    assert client.post(url, {"question": "how-long", "answer": 1}).status_code == 404


def test_a_forged_answer_without_csrf_token_is_refused(member, content):
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(member)
    response = post_answer(forged, "how-long", "Only on today")
    assert response.status_code == 403
    assert not ChecklistRun.objects.exists()


def test_stale_answers_in_the_session_are_dropped_not_trusted(client, content):
    session = client.session
    sleep = answer("sleep", "Less than 7").pk
    session["checklists"] = {str(content.pk): {"answers": [sleep, "x"], "ticked": []}}
    session.save()
    html = client.get(PAGE).content.decode()
    assert "How long have your legs felt heavy?" in html


# --- queries


@pytest.mark.parametrize("answers", [1, 9])
def test_troubleshooter_queries_do_not_grow_with_the_answers(
    client, content, django_assert_max_num_queries, answers
):
    """N+1 guard: the whole graph is loaded at once and walked in memory (measured: 6)."""
    steps = [
        ("how-long", "Only on today"),
        ("one-or-both", "Both legs"),
        ("warning-signs", "None"),
        *ORDINARY_END,
    ]
    walk(client, steps[:answers])
    url = RESULT if answers == len(steps) else PAGE
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


# --- how long, and the level earned so far


def test_each_question_says_about_how_many_questions_the_longest_route_from_it_has(client, content):
    assert "Question 1 of about 11" in client.get(PAGE).content.decode()
    post_answer(client, "how-long", "Only on today")  # skips the tiredness question
    assert "Question 2 of about 10" in client.get(PAGE).content.decode()
    post_answer(client, "one-or-both", "Both legs")  # the shorter branch
    assert "Question 3 of about 9" in client.get(PAGE).content.decode()


ONE_LEG_STILL_THERE = [
    ("how-long", "A few days"),
    ("one-or-both", "Mostly one leg"),
    ("one-leg-signs", "No"),
    ("one-leg-rest", "Yes, it is still there"),
]
BANNER = "From your answers so far: see a physiotherapist, then a doctor."


def test_no_question_shows_a_level_before_an_answer_earns_one(client, content):
    for step in ONE_LEG_STILL_THERE[:-1]:
        assert "From your answers so far" not in client.get(PAGE).content.decode()
        post_answer(client, *step)
    assert "From your answers so far" not in client.get(PAGE).content.decode()


def test_every_question_after_an_earned_level_shows_it_with_see_my_result_now(client, content):
    walk(client, ONE_LEG_STILL_THERE)
    for slug, text in [("recent-illness", "No"), ("mileage-jump", "No, about the same")]:
        html = client.get(f"{PAGE}?q={slug}").content.decode()
        assert BANNER in html
        assert f'href="{RESULT}"' in html
        assert "See my result now" in html
        post_answer(client, slug, text)
    assert BANNER in client.get(PAGE).content.decode()
    # The question whose answer earned it does not show it: the answer may still change.
    assert "From your answers so far" not in client.get(f"{PAGE}?q=one-leg-rest").content.decode()


def test_see_my_result_now_shows_the_result_so_far_without_javascript(client, content):
    walk(client, ONE_LEG_STILL_THERE)
    response = client.get(RESULT)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"data-focus-after-swap>{Triage.PHYSIO.label}</h2>" in html
    assert "Your result from the answers so far." in html
    assert f'href="{PAGE}?q=recent-illness">Carry on with the questions' in html
    assert "checklists" in client.session  # nothing was cleared or finished
    assert client.get(PAGE).status_code == 200  # the questions carry on


def test_see_my_result_now_with_htmx_swaps_in_the_result(client, content):
    walk(client, ONE_LEG_STILL_THERE)
    html = client.get(f"{PAGE}?q=recent-illness").content.decode()
    assert f'hx-get="{RESULT}"' in html
    response = client.get(RESULT, headers=HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "HX-Request" in response["Vary"]
    assert Triage.PHYSIO.label in fragment


def test_a_member_seeing_the_result_early_keeps_the_run_open(member_client, member, content):
    walk(member_client, ONE_LEG_STILL_THERE)
    assert member_client.get(RESULT).status_code == 200
    assert ChecklistRun.objects.get(user=member).finished is None


def test_an_editors_markup_in_red_flag_advice_is_escaped_and_only_numbers_become_links(
    client, content
):
    urgent = answer("one-leg-signs", "Yes, one or more")
    urgent.advice = '<script>alert(1)</script><a href="javascript:x">111</a> then call 999.'
    urgent.save()
    walk(client, PATHS["urgent, a possible clot"][0])
    html = client.get(RESULT).content.decode()
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;javascript:x&quot;&gt;" in html
    assert '<a href="tel:111">111</a>&lt;/a&gt; then call <a href="tel:999">999</a>.' in html
