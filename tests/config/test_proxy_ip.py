"""Per-IP limits behind a load balancer count the client, not the balancer."""

import pytest

from config.throttle import client_ip
from legs.forms.comments import REFUSED_RATE
from tests.factories import TipFactory


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is anyone's to write
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own guess is ignored
        (2, "198.51.100.1, 203.0.113.9, 192.0.2.7", "203.0.113.9"),  # CDN, then balancer
        (1, "", "10.0.0.2"),  # not through the balancer
        (2, "203.0.113.9", "10.0.0.2"),
    ],
)
def test_client_ip_reads_as_many_proxies_as_are_trusted(
    rf, settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.TRUSTED_PROXY_CIDRS = ["10.0.0.0/24"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_comments_from_different_clients_behind_one_balancer_are_counted_apart(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_CIDRS = ["10.0.0.0/24"]
    settings.COMMENT_MIN_SECONDS = 0
    settings.COMMENT_RATE_LIMIT = 1
    tip = TipFactory()
    url = f"/tips/{tip.slug}/comments/"

    def post(ip: str):
        page = client.get(tip.get_absolute_url(), HTTP_X_FORWARDED_FOR=ip)
        ts = page.context["thread"].form.time_token
        data = {"name": "Ann", "email": "ann@example.com", "body": "Hello", "ts": ts}
        return client.post(url, data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ip)

    assert post("203.0.113.1").status_code == 302
    assert post("203.0.113.2").status_code == 302  # another client through the same balancer
    refused = post("203.0.113.1")  # the first one again: over its limit
    assert refused.status_code == 429
    assert REFUSED_RATE in refused.content.decode()
