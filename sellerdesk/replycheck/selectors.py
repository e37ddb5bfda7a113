"""Reads for reply checking: the shop's Policy, parsed once per process and change."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from sellerdesk.core.models import Shop
from sellerdesk.policy import Policy, similarity
from sellerdesk.replycheck.models import (
    PublicReply,
    PublicReplyBand,
    RepetitionSettings,
    ShopPolicy,
)


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


# --- repetitive public replies ----------------------------------------------------------------

# Replies buyers and other shoppers can read; chat messages are private.
PUBLIC_CHANNELS = ("question_answer", "question_decline", "review_reply")
# Band rows read per check, and candidates compared in full: a reply with hundreds of
# near twins is settled by the first few, a unique one has few candidates at all.
_CANDIDATE_ROWS = 2000
_CANDIDATES_COMPARED = 64


@dataclass(frozen=True)
class Repetition:
    count: int  # nearly identical public replies found (at least the shop's min_count)
    similarity: float  # the highest one
    days: int
    examples: tuple[str, ...]


def repetition_settings_get(*, shop: Shop | int) -> RepetitionSettings:
    """The shop's thresholds; the defaults (unsaved) when a manager never changed them."""
    shop_id = shop if isinstance(shop, int) else shop.pk
    found = RepetitionSettings.objects.for_shop(shop_id).first()
    return found or RepetitionSettings(shop_id=shop_id)


def repetitive_replies(
    *,
    shop: Shop | int,
    text: str,
    settings: RepetitionSettings | None = None,
    exclude_item_ref: str = "",
) -> Repetition | None:
    """Nearly identical public replies of the shop in its window, if there are enough of them.

    Candidates come from the LSH band index (one index range per band key); only they
    are compared, by their MinHash signatures.
    """
    shop_id = shop if isinstance(shop, int) else shop.pk
    settings = settings or repetition_settings_get(shop=shop_id)
    if not settings.enabled:
        return None
    sig = similarity.signature(text)
    if sig is None:
        return None
    since = timezone.now() - timedelta(days=settings.window_days)
    rows = PublicReplyBand.objects.filter(
        shop_id=shop_id, key__in=sig.bands, created_at__gte=since
    ).values_list("reply_id", flat=True)[:_CANDIDATE_ROWS]
    shared = Counter(rows)
    if not shared:
        return None
    candidates = [reply_id for reply_id, _count in shared.most_common(_CANDIDATES_COMPARED)]
    found: list[tuple[float, str]] = []
    for reply_text, packed, item_ref in PublicReply.objects.filter(pk__in=candidates).values_list(
        "text", "signature", "item_ref"
    ):
        if exclude_item_ref and item_ref == exclude_item_ref:
            continue
        score = similarity.estimate(sig.values, similarity.unpack(packed))
        if score >= settings.similarity:
            found.append((score, reply_text))
    if len(found) < settings.min_count:
        return None
    found.sort(key=lambda pair: -pair[0])
    return Repetition(
        count=len(found),
        similarity=found[0][0],
        days=settings.window_days,
        examples=tuple(reply_text for _score, reply_text in found[:3]),
    )
