"""Reads of the marketplaces app."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from sellerdesk.core.models import Shop
from sellerdesk.marketplaces.models import (
    InboundRecord,
    InboundStream,
    MarketplaceAccount,
    OutboundItem,
    OutboundState,
)


def account_for_shop(*, shop: Shop) -> MarketplaceAccount | None:
    return MarketplaceAccount.objects.for_shop(shop).first()


def outbound_items_for_targets(
    *, shop: Shop, kind: str, target_refs: Iterable[str]
) -> dict[str, OutboundItem]:
    """The newest outbound item per target: lets a page show each reply's delivery state."""
    refs = list(target_refs)
    found: dict[str, OutboundItem] = {}
    for item in (
        OutboundItem.objects.for_shop(shop)
        .filter(kind=kind, target_ref__in=refs)
        .order_by("created_at", "pk")
    ):
        found[item.target_ref] = item
    return found


def outbound_item_by_key(*, shop: Shop, idempotency_key: str) -> OutboundItem | None:
    return OutboundItem.objects.for_shop(shop).filter(idempotency_key=idempotency_key).first()


def outbound_items_recent(*, shop: Shop, limit: int = 30) -> QuerySet[OutboundItem]:
    return OutboundItem.objects.for_shop(shop).order_by("-created_at", "-pk")[:limit]


def outbound_counts(*, shop: Shop) -> list[tuple[str, int]]:
    """(state label, number of items) for every delivery state."""
    counts = dict.fromkeys(OutboundState.values, 0)
    for state in OutboundItem.objects.for_shop(shop).values_list("state", flat=True):
        counts[state] += 1
    return [(OutboundState(state).label, number) for state, number in counts.items()]


def inbound_counts(*, shop: Shop) -> list[tuple[str, int, int]]:
    """(stream label, items received, items still waiting for their app) per stream."""
    totals: dict[str, list[int]] = {}
    for stream, imported in InboundRecord.objects.for_shop(shop).values_list(
        "stream", "imported_at"
    ):
        bucket = totals.setdefault(stream, [0, 0])
        bucket[0] += 1
        bucket[1] += imported is None
    return [
        (InboundStream(stream).label, total, pending)
        for stream, (total, pending) in sorted(totals.items())
    ]
