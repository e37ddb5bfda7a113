"""Reads for reply checking: the shop's Policy, parsed once per process and change."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sellerdesk.core.models import Shop
from sellerdesk.policy import Policy
from sellerdesk.replycheck.models import ShopPolicy


@dataclass(frozen=True)
class _Cached:
    stamp: datetime | None  # ShopPolicy.updated_at, None = no stored rules
    policy: Policy
    probed_at: float  # time.monotonic() of the last freshness probe


# shop id -> what was parsed last. A live check runs at every pause in typing: the
# JSON is parsed only after a manager saved new rules (updated_at moved), and the
# freshness probe is one single-column query that the live check may even skip for
# a couple of seconds (see max_age).
_POLICY_CACHE: dict[int, _Cached] = {}
_CACHE_LOCK = threading.Lock()


def _parse(data: dict) -> Policy:
    try:
        return Policy.from_dict(data) if data else Policy.default()
    except ValueError:
        # Rules a newer engine no longer accepts must not stop sellers from replying;
        # the settings page shows the problem (shop_policy_problem).
        return Policy.default()


def shop_policy_get(*, shop: Shop | int, max_age: float = 0.0) -> Policy:
    """The engine Policy in force for ``shop`` (the engine's defaults if none is stored).

    ``max_age`` > 0 lets a caller accept a policy probed up to that many seconds ago
    in this process (the live check); guards that refuse a send use the default 0.
    Saving rules in this process refreshes at once; other processes within max_age.
    """
    shop_id = shop if isinstance(shop, int) else shop.pk
    cached = _POLICY_CACHE.get(shop_id)
    now = time.monotonic()
    if cached is not None and max_age > 0 and now - cached.probed_at < max_age:
        return cached.policy
    stamp = ShopPolicy.objects.for_shop(shop_id).values_list("updated_at", flat=True).first()
    if cached is not None and cached.stamp == stamp:
        policy = cached.policy
    elif stamp is None:
        policy = Policy.default()
    else:
        data = ShopPolicy.objects.for_shop(shop_id).values_list("data", flat=True).first() or {}
        policy = _parse(data)
    with _CACHE_LOCK:
        _POLICY_CACHE[shop_id] = _Cached(stamp=stamp, policy=policy, probed_at=now)
    return policy


def shop_policy_problem(*, shop: Shop) -> str:
    """Why the stored rules cannot be used ("" when they can, or none are stored)."""
    data = ShopPolicy.objects.for_shop(shop).values_list("data", flat=True).first()
    if not data:
        return ""
    try:
        Policy.from_dict(data)
    except ValueError as exc:
        return str(exc)
    return ""


def shop_policy_record(*, shop: Shop) -> ShopPolicy | None:
    return ShopPolicy.objects.for_shop(shop).select_related("updated_by").first()


def policy_cache_forget(*, shop_id: int) -> None:
    with _CACHE_LOCK:
        _POLICY_CACHE.pop(shop_id, None)


def policy_cache_clear() -> None:
    with _CACHE_LOCK:
        _POLICY_CACHE.clear()
