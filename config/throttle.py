"""Rate limits: the one mechanism behind every flood the site refuses (log-in, sign-up, password
reset, the password checks of account changes, comments and their reports).

A window is split into one-minute buckets. An attempt is counted first, by an atomic increment
of the current bucket, and the count that increment returns (plus the closed buckets of the
window) decides: so concurrent attempts each see a different count and at most `limit` of them
pass, where a separate check-then-count let every request that checked before the others
counted through. A refused attempt is taken back off the count, so a lock ends with its window
however often it is tried.

The counters live in the `counters` cache alias and nowhere else: with Redis, an alias of its own
on a Redis that never evicts; without it, the database cache (`CounterCache`), which every
gunicorn worker on the machine shares. So no flood of cached pages can evict a lock, and a limit
holds across workers. Identities are hashed with the secret key, so raw IP addresses and
usernames never sit in the cache.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress

# B403, B301: pickle is the database cache's own format; CounterCache reads back only what it
# wrote to its own table.
import pickle  # nosec B403
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest

BUCKET_SECONDS = 60
COUNTERS = "counters"


def client_ip(request: HttpRequest) -> str:
    """The visitor's address, as every per-IP limit counts it.

    Directly served, the connection's own. Behind TRUSTED_PROXY_COUNT proxies (a load balancer,
    a CDN), REMOTE_ADDR is the nearest proxy for everyone, so it is the address the outermost
    proxy saw: that many places from the right of X-Forwarded-For, the part each proxy appends
    and a client cannot forge. The header is read only from a connection whose address is in
    TRUSTED_PROXY_CIDRS (the balancer's network): anyone else reaching the app port could write
    any address there. A request with fewer entries did not come through the proxies.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    count = settings.TRUSTED_PROXY_COUNT
    if count and _from_trusted_proxy(remote):
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return remote


def _from_trusted_proxy(remote: str) -> bool:
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(cidr) for cidr in settings.TRUSTED_PROXY_CIDRS)


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def _increment(key: str, delta: int, timeout: int) -> int:
    counters = caches[COUNTERS]
    for _ in range(2):
        counters.add(key, 0, timeout=timeout)
        try:
            return counters.incr(key, delta)
        except ValueError:  # expired between add and incr: add it again
            continue
    raise RuntimeError(f"rate-limit counter {key!r} expires as soon as it is made")


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

    def allow(self, *identities: str) -> bool:
        """Count one attempt against each identity; False (and nothing counted) when any of them
        is over its limit with it. Empty identities are skipped."""
        timeout = self.window + BUCKET_SECONDS
        counted: list[str] = []
        allowed = True
        for identity in filter(None, identities):
            *closed, current = self._keys(identity, time.time())
            total = _increment(current, 1, timeout)
            counted.append(current)
            total += sum(caches[COUNTERS].get_many(closed).values())
            allowed = allowed and total <= self.limit
        if not allowed:
            for key in counted:
                _increment(key, -1, timeout)
        return allowed

    def forgive(self, *identities: str) -> None:
        """Take back the attempt `allow` just counted (a log-in that succeeded)."""
        timeout = self.window + BUCKET_SECONDS
        for identity in filter(None, identities):
            _increment(self._keys(identity, time.time())[-1], -1, timeout)


def once(key: str, timeout: int) -> bool:
    """True the first time `key` is recorded inside `timeout` seconds, False after (a form's
    single-use token). Kept with the counters, so a page flood cannot evict the record."""
    return caches[COUNTERS].add(f"once:{_digest(key)}", True, timeout=timeout)


def login_throttle() -> Throttle:
    return Throttle("login", settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW)


def signup_throttle() -> Throttle:
    return Throttle("signup", settings.SIGNUP_LIMIT, settings.SIGNUP_WINDOW)


def password_reset_throttle() -> Throttle:
    return Throttle("password-reset", settings.PASSWORD_RESET_LIMIT, settings.PASSWORD_RESET_WINDOW)


def password_reset_mail_throttle() -> Throttle:
    """Reset mails to one address: above it the page answers as ever but sends nothing, so no
    one can lock a member out of their own reset by asking for theirs."""
    return Throttle(
        "password-reset-mail", settings.PASSWORD_RESET_LIMIT, settings.PASSWORD_RESET_WINDOW
    )


def password_check_throttle() -> Throttle:
    """Password checks of a logged-in member (password change, email change, deletion), per
    account: a stolen session is no oracle for the password."""
    return Throttle("password-check", settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW)


def comment_throttle() -> Throttle:
    return Throttle("comment", settings.COMMENT_RATE_LIMIT, settings.COMMENT_RATE_WINDOW)


def report_throttle() -> Throttle:
    return Throttle("report", settings.COMMENT_REPORT_LIMIT, settings.COMMENT_REPORT_WINDOW)


class CounterCache(DatabaseCache):
    """Django's database cache with an increment that holds under concurrency and keeps the
    key's expiry (Django's own is a read then a write, resetting the timeout): the counters'
    store when there is no Redis, shared by every worker process through the database.

    The row is locked (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE
    transaction takes the write lock) from the read to the write.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(datetime.now(UTC).replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # B608: the table name is the cache's own setting, quoted; values are parameters.
            select = f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s"  # nosec B608
            cursor.execute(select + lock, [key, now])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # nosec B301
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            update = f"UPDATE {table} SET value = %s WHERE cache_key = %s"  # nosec B608
            cursor.execute(update, [stored, key])
        return value
