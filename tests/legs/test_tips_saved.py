"""My tips: members save and unsave tips in place; nobody sees another member's list."""

import pytest
from django.urls import reverse

from legs.models import SavedTip
from tests.factories import SavedTipFactory, TipFactory
from tests.support import HTMX


def save_url(tip) -> str:
    return reverse("tip_save", args=[tip.slug])


def unsave_url(tip) -> str:
    return reverse("tip_unsave", args=[tip.slug])


def test_member_saves_a_tip_without_javascript_and_returns_to_the_page(member_client, member, tip):
    response = member_client.post(save_url(tip), {"next": tip.get_absolute_url()}, follow=True)
    assert response.redirect_chain == [(tip.get_absolute_url(), 302)]
    assert SavedTip.objects.filter(user=member, tip=tip).exists()
    html = response.content.decode()
    assert "Saved “Warm up for ten minutes” to My tips." in html
    assert "Remove from My tips" in html


def test_member_saves_a_tip_with_htmx_and_the_button_swaps_in_place(member_client, member, tip):
    response = member_client.post(save_url(tip), {"next": tip.get_absolute_url()}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Remove from My tips" in html
    assert f'hx-post="{unsave_url(tip)}"' in html
    assert f'hx-target="#save-box-{tip.pk}"' in html
    assert 'name="next" value="/tips/' in html
    assert SavedTip.objects.filter(user=member, tip=tip).count() == 1


def test_member_unsaves_a_tip_with_htmx(member_client, member, tip):
    SavedTipFactory(user=member, tip=tip)
    response = member_client.post(unsave_url(tip), headers=HTMX)
    html = response.content.decode()
    assert "Save to My tips" in html
    assert f'hx-post="{save_url(tip)}"' in html
    assert not SavedTip.objects.filter(user=member).exists()


def test_member_unsaves_without_javascript_back_to_my_tips(member_client, member, tip):
    SavedTipFactory(user=member, tip=tip)
    response = member_client.post(unsave_url(tip), {"next": reverse("saved_tips")})
    assert response.status_code == 302
    assert response["Location"] == reverse("saved_tips")
    assert not SavedTip.objects.filter(user=member).exists()


def test_saving_twice_keeps_one_saved_tip(member_client, member, tip):
    member_client.post(save_url(tip))
    member_client.post(save_url(tip), headers=HTMX)
    assert SavedTip.objects.filter(user=member, tip=tip).count() == 1


def test_unsaving_a_tip_that_is_not_saved_is_harmless(member_client, tip):
    assert member_client.post(unsave_url(tip)).status_code == 302


def test_save_redirect_never_leaves_the_site(member_client, tip):
    response = member_client.post(save_url(tip), {"next": "https://evil.example/"})
    assert response["Location"] == tip.get_absolute_url()


def test_tip_page_shows_the_member_their_saved_state(member_client, member, tip):
    html = member_client.get(tip.get_absolute_url()).content.decode()
    assert "Save to My tips" in html
    assert f'action="{save_url(tip)}"' in html
    SavedTipFactory(user=member, tip=tip)
    html = member_client.get(tip.get_absolute_url()).content.decode()
    assert "Remove from My tips" in html
    assert f'action="{unsave_url(tip)}"' in html


def test_visitor_is_offered_to_log_in_to_save_a_tip(client, tip):
    html = client.get(tip.get_absolute_url()).content.decode()
    assert "Log in to save this tip" in html
    assert f'href="/accounts/login/?next=/tips/{tip.slug}/"' in html
    assert "Save to My tips" not in html


def test_visitor_posting_save_is_sent_to_log_in_and_back_to_the_tip(client, tip):
    response = client.post(save_url(tip))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/tips/{tip.slug}/"
    assert not SavedTip.objects.exists()


def test_visitor_posting_save_with_htmx_is_redirected_to_log_in(client, tip):
    response = client.post(save_url(tip), headers=HTMX)
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_save_is_post_only(member_client, tip):
    assert member_client.get(save_url(tip)).status_code == 405
    assert member_client.get(unsave_url(tip)).status_code == 405


def test_saving_an_unknown_or_unpublished_tip_is_404(member_client, db):
    draft = TipFactory(is_published=False)
    assert member_client.post("/tips/nope/save/").status_code == 404
    assert member_client.post(save_url(draft)).status_code == 404


def test_my_tips_lists_the_members_saved_tips_newest_first(member_client, member):
    older, newer = TipFactory(title="Older save"), TipFactory(title="Newer save")
    SavedTipFactory(user=member, tip=older)
    SavedTipFactory(user=member, tip=newer)
    TipFactory(title="Never saved")
    html = member_client.get(reverse("saved_tips")).content.decode()
    assert reverse("saved_tips") == "/tips/saved/"
    assert html.index("Newer save") < html.index("Older save")
    assert "Never saved" not in html
    assert html.count("Remove from My tips") == 2


def test_my_tips_never_shows_another_members_saved_tips(member_client, other_member):
    SavedTipFactory(user=other_member, tip=TipFactory(title="Someone else's tip"))
    html = member_client.get(reverse("saved_tips")).content.decode()
    assert "Someone else" not in html
    assert "No saved tips yet" in html


def test_unsaving_only_touches_the_members_own_saved_tip(member_client, other_member, tip):
    SavedTipFactory(user=other_member, tip=tip)
    member_client.post(unsave_url(tip))
    assert SavedTip.objects.filter(user=other_member, tip=tip).exists()


def test_tip_page_shows_a_member_only_their_own_saved_state(member_client, other_member, tip):
    SavedTipFactory(user=other_member, tip=tip)
    assert "Save to My tips" in member_client.get(tip.get_absolute_url()).content.decode()


def test_my_tips_needs_a_log_in(client, db):
    response = client.get(reverse("saved_tips"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/tips/saved/"


# N+1 guard: My tips costs the same few queries with 3 saved tips or 60.
@pytest.mark.parametrize("size", [3, 60])
def test_my_tips_query_count_does_not_grow(
    member_client, member, django_assert_max_num_queries, size
):
    for tip in TipFactory.create_batch(size):
        SavedTipFactory(user=member, tip=tip)
    with django_assert_max_num_queries(4):  # session, user, saved tips with tips, their causes
        member_client.get(reverse("saved_tips"))
