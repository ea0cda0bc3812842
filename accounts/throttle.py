"""Sliding-window rate limits kept in the cache, so they hold across gunicorn workers with Redis.

A window is split into one-minute buckets counted with atomic increments; an identity is limited
when the buckets of the last window add up to the limit. Identities are hashed with the secret
key, so raw IP addresses and usernames never sit in the cache.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

BUCKET_SECONDS = 60


def client_ip(request: HttpRequest) -> str:
    """The visitor's address, as every per-IP limit counts it.

    Directly served, the connection's own. Behind TRUSTED_PROXY_COUNT proxies (a load balancer,
    a CDN), REMOTE_ADDR is the nearest proxy for everyone, so it is the address the outermost
    proxy saw: that many places from the right of X-Forwarded-For, the part each proxy appends
    and a client cannot forge. A request with fewer entries did not come through the proxies.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Throttle:
    scope: str
    limit: int
    window: int  # seconds

    def _keys(self, identity: str, now: float) -> list[str]:
        current = int(now // BUCKET_SECONDS)
        buckets = range(current - self.window // BUCKET_SECONDS + 1, current + 1)
        ident = _digest(identity.lower())
        return [f"throttle:{self.scope}:{ident}:{bucket}" for bucket in buckets]

    def count(self, identity: str) -> int:
        return sum(cache.get_many(self._keys(identity, time.time())).values())

    def is_limited(self, *identities: str) -> bool:
        return any(self.count(identity) >= self.limit for identity in identities if identity)

    def hit(self, *identities: str) -> None:
        for identity in identities:
            if not identity:
                continue
            key = self._keys(identity, time.time())[-1]
            cache.add(key, 0, timeout=self.window + BUCKET_SECONDS)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=self.window + BUCKET_SECONDS)

    def allow(self, *identities: str) -> bool:
        """Count one attempt unless an identity is already at its limit; False when refused."""
        if self.is_limited(*identities):
            return False
        self.hit(*identities)
        return True


def login_throttle() -> Throttle:
    return Throttle("login", settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW)


def signup_throttle() -> Throttle:
    return Throttle("signup", settings.SIGNUP_LIMIT, settings.SIGNUP_WINDOW)


def password_reset_throttle() -> Throttle:
    return Throttle("password-reset", settings.PASSWORD_RESET_LIMIT, settings.PASSWORD_RESET_WINDOW)
