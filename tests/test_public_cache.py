import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tip(db):
    from django.core.management import call_command

    from legs.models import Tip

    call_command("loaddata", "fixtures/catalogue.json", verbosity=0)
    return Tip.objects.get(slug="warm-up-for-ten-minutes")


def test_a_first_time_visitor_gets_the_cached_page_without_queries(
    client, tip, django_assert_num_queries
):
    url = tip.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.status_code == 200
    assert tip.title in second.content.decode()
    assert second["ETag"] == first["ETag"]


def test_a_cached_page_carries_a_working_csrf_token_for_its_visitor(client, tip):
    url = reverse("tip_list")
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(url).content.decode()
    token = re.search(r'"X-CSRFToken": "(\w+)"', html).group(1)
    response = visitor.post(
        reverse("login"), {"username": "x", "password": "y"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200  # the form answered; a CSRF failure would be 403


def test_members_never_get_or_leave_a_cached_page(client, tip):
    member = UserFactory(display_name="Zebedee")
    url = reverse("home")
    client.force_login(member)
    assert "Zebedee" in client.get(url).content.decode()
    visitor_page = Client().get(url).content.decode()
    assert "Zebedee" not in visitor_page
    assert "Zebedee" in client.get(url).content.decode()


def test_saving_content_retires_the_cached_pages(client, tip):
    url = tip.get_absolute_url()
    client.get(url)
    tip.title = "Warm up properly"
    tip.save()
    assert "Warm up properly" in Client().get(url).content.decode()


def test_a_matching_etag_gets_304_not_modified(client, tip):
    url = reverse("asked")
    etag = client.get(url)["ETag"]
    response = Client().get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_visitors_with_a_session_get_a_fresh_page(client, tip):
    url = reverse("tip_list")
    Client().get(url)
    client.cookies["sessionid"] = "anything"
    response = client.get(url)
    assert "ETag" not in response
