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

import hashlib
import hmac
import time
from dataclasses import dataclass
from functools import partial

from django.core import signing
from django.core.cache import caches
from django.db import transaction

LIVE_CACHE_ALIAS = "live"
TOKEN_SALT = "sellerdesk.live"
# A token is good for this long; the page gets a fresh one from a full answer (static/js/
# live.js forces one every few minutes), so a logged-out or locked-out session stops
# reading shared answers within this time.
TOKEN_MAX_AGE = 15 * 60
TOKEN_REFRESH_AFTER = 5 * 60
# Each web process remembers a shop's cursor this long: hundreds of open tabs of one shop
# cost one cache read per process per period instead of one each. A bump made by this
# process replaces its memo at once; bumps from other processes show up after at most this.
CURSOR_MEMO_SECONDS = 0.2
_memo: dict[int, tuple[float, int]] = {}
# How far back a reader looks before the cursor it held (see the module docstring).
LIVE_OVERLAP_SECONDS = 30


def _key(shop_id: int) -> str:
    return f"live:shop:{shop_id}"


def _now_us() -> int:
    return time.time_ns() // 1000


def _bump(shop_id: int) -> None:
    value = _now_us()
    caches[LIVE_CACHE_ALIAS].set(_key(shop_id), value, timeout=None)
    _memo[shop_id] = (time.monotonic(), value)


def shop_changed(*, shop_id: int) -> None:
    """Something a shop's open pages show changed: move its cursor once the data is visible.

    Call inside the writing transaction; outside one the cursor moves at once.
    """
    transaction.on_commit(partial(_bump, shop_id))


def shop_cursor(*, shop_id: int, fresh: bool = False) -> int:
    """The shop's cursor (microseconds since the epoch); never zero.

    ``fresh`` skips the process memo (a full answer reads the cache itself). A missing entry
    (cache emptied) is set to now, so every open page refreshes once and then goes quiet.
    """
    now = time.monotonic()
    memo = _memo.get(shop_id)
    if not fresh and memo is not None and now - memo[0] < CURSOR_MEMO_SECONDS:
        return memo[1]
    cache = caches[LIVE_CACHE_ALIAS]
    value = cache.get(_key(shop_id))
    if value is None:
        cache.add(_key(shop_id), _now_us(), timeout=None)
        value = cache.get(_key(shop_id)) or _now_us()
    _memo[shop_id] = (now, int(value))
    return int(value)


def _members_key(shop_id: int) -> str:
    return f"live:members:{shop_id}"


def members_changed(*, shop_id: int) -> None:
    """Someone joined, left or changed role: tokens issued before no longer skip the check."""
    transaction.on_commit(
        partial(caches[LIVE_CACHE_ALIAS].set, _members_key(shop_id), _now_us(), None)
    )


def members_version(*, shop_id: int) -> int:
    cache = caches[LIVE_CACHE_ALIAS]
    value = cache.get(_members_key(shop_id))
    if value is None:
        cache.add(_members_key(shop_id), _now_us(), timeout=None)
        value = cache.get(_members_key(shop_id)) or 0
    return int(value)


@dataclass(frozen=True)
class LiveTicket:
    user_id: int
    shop_id: int
    members: int  # the shop's members version when the token was issued
    session: str  # a digest of the session key the page was rendered for
    issued: int  # seconds since the epoch

    def matches_session(self, session_key: str | None) -> bool:
        return bool(session_key) and hmac.compare_digest(self.session, _session_digest(session_key))

    @property
    def due_for_refresh(self) -> bool:
        return time.time() - self.issued > TOKEN_REFRESH_AFTER


def _session_digest(session_key: str | None) -> str:
    return hashlib.blake2b((session_key or "").encode(), digest_size=12).hexdigest()


def live_token(*, user_id: int, shop_id: int, session_key: str | None) -> str:
    """A signed ticket naming who polls which shop from which session, so the idle check
    needs neither a query nor a session read (the session cookie must match it)."""
    return signing.dumps(
        {
            "u": user_id,
            "s": shop_id,
            "m": members_version(shop_id=shop_id),
            "k": _session_digest(session_key),
            "i": int(time.time()),
        },
        salt=TOKEN_SALT,
        compress=False,
    )


def live_token_read(token: str) -> LiveTicket | None:
    """The ticket of a valid, unexpired token, else None."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    try:
        return LiveTicket(
            user_id=int(data["u"]),
            shop_id=int(data["s"]),
            members=int(data["m"]),
            session=str(data["k"]),
            issued=int(data["i"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def ticket_current(ticket: LiveTicket) -> bool:
    """Nobody's membership in the ticket's shop changed since it was issued."""
    return members_version(shop_id=ticket.shop_id) == ticket.members


# --- one answer for every page that asks the same question -------------------------------
# After a change every open page of the shop asks "what changed since cursor C?" with the
# same C (the one they all received last) and, mostly, the same list filter. The first
# answer is kept for a short while under (shop, C, current cursor, filter), so the other
# pages get it from the cache instead of each re-running the queries and the rendering.

SHARED_ANSWER_SECONDS = 20


def shared_answer_key(*, shop_id: int, since: int, cursor: int, variant: str) -> str:
    digest = hashlib.blake2b(variant.encode(), digest_size=8).hexdigest()
    return f"live:answer:{shop_id}:{since}:{cursor}:{digest}"


def shared_answer_get(key: str) -> bytes | None:
    return caches[LIVE_CACHE_ALIAS].get(key)


def shared_answer_set(key: str, content: bytes) -> None:
    caches[LIVE_CACHE_ALIAS].set(key, content, timeout=SHARED_ANSWER_SECONDS)
