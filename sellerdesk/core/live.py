"""A per-shop change cursor: how an open page learns, without touching the database, that
something it shows may have changed.

Services call ``shop_changed(shop_id)`` inside their transaction; on commit the shop's cursor
in the ``live`` cache (Redis in production, a directory of files in the demo, shared by the
web server and the worker) becomes the current time in microseconds. A page polls with the
cursor it last saw: equal or older means "nothing new" and is answered from the cache alone;
newer means the page asks the database what changed since then (see chats' live view).

Why a timestamp and not a counter: a counter lost with the cache (a Redis restart, an
eviction) would start again at 1 and could come back to exactly the value a page holds,
hiding changes; a clock only moves forward. Two commits racing to write it may leave the
earlier time in place for a moment; the reader covers this by querying a window
(``LIVE_OVERLAP_SECONDS``) before the cursor it held, which also covers transactions that
stamped their rows before an earlier-committing one.
"""

from __future__ import annotations

import time
from functools import partial

from django.core import signing
from django.core.cache import caches
from django.db import transaction

LIVE_CACHE_ALIAS = "live"
TOKEN_SALT = "sellerdesk.live"
# A page keeps polling with the token it was rendered with; after this it reloads quietly.
TOKEN_MAX_AGE = 12 * 60 * 60
# How far back a reader looks before the cursor it held (see the module docstring).
LIVE_OVERLAP_SECONDS = 30


def _key(shop_id: int) -> str:
    return f"live:shop:{shop_id}"


def _now_us() -> int:
    return time.time_ns() // 1000


def _bump(shop_id: int) -> None:
    caches[LIVE_CACHE_ALIAS].set(_key(shop_id), _now_us(), timeout=None)


def shop_changed(*, shop_id: int) -> None:
    """Something a shop's open pages show changed: move its cursor once the data is visible.

    Call inside the writing transaction; outside one the cursor moves at once.
    """
    transaction.on_commit(partial(_bump, shop_id))


def shop_cursor(*, shop_id: int) -> int:
    """The shop's cursor (microseconds since the epoch); never zero.

    A missing entry (cache emptied) is set to now, so every open page refreshes once and
    then goes quiet again.
    """
    cache = caches[LIVE_CACHE_ALIAS]
    value = cache.get(_key(shop_id))
    if value is None:
        cache.add(_key(shop_id), _now_us(), timeout=None)
        value = cache.get(_key(shop_id)) or _now_us()
    return int(value)


def live_token(*, user_id: int, shop_id: int) -> str:
    """A signed ticket naming who polls which shop, so the idle check needs no query."""
    return signing.dumps({"u": user_id, "s": shop_id}, salt=TOKEN_SALT, compress=False)


def live_token_read(token: str) -> tuple[int, int] | None:
    """(user id, shop id) of a valid, unexpired token, else None."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    try:
        return int(data["u"]), int(data["s"])
    except (KeyError, TypeError, ValueError):
        return None
