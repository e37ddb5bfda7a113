"""Reads for reply checking: the shop's Policy, parsed once per process and change."""

from __future__ import annotations

import threading
from datetime import datetime

from sellerdesk.core.models import Shop
from sellerdesk.policy import Policy
from sellerdesk.replycheck.models import ShopPolicy

# shop id -> (updated_at, Policy). A live check runs on every pause in typing; the
# freshness probe is one indexed single-column query, the JSON is parsed only after
# a manager saved new rules (updated_at moved).
_POLICY_CACHE: dict[int, tuple[datetime | None, Policy]] = {}
_CACHE_LOCK = threading.Lock()


def shop_policy_get(*, shop: Shop | int) -> Policy:
    """The engine Policy in force for ``shop`` (the engine's defaults if none is stored)."""
    shop_id = shop if isinstance(shop, int) else shop.pk
    stamp = ShopPolicy.objects.for_shop(shop_id).values_list("updated_at", flat=True).first()
    cached = _POLICY_CACHE.get(shop_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if stamp is None:
        policy = Policy.default()
    else:
        data = ShopPolicy.objects.for_shop(shop_id).values_list("data", flat=True).first() or {}
        try:
            policy = Policy.from_dict(data) if data else Policy.default()
        except ValueError:
            # Stored rules that a newer engine no longer accepts must not stop sellers
            # from replying; the settings page shows the problem when opened.
            policy = Policy.default()
    with _CACHE_LOCK:
        _POLICY_CACHE[shop_id] = (stamp, policy)
    return policy


def shop_policy_data(*, shop: Shop) -> dict:
    """The stored rules as a plain dict (defaults filled in), for the settings form."""
    return shop_policy_get(shop=shop).to_dict()


def shop_policy_record(*, shop: Shop) -> ShopPolicy | None:
    return ShopPolicy.objects.for_shop(shop).select_related("updated_by").first()


def policy_cache_clear() -> None:
    with _CACHE_LOCK:
        _POLICY_CACHE.clear()
