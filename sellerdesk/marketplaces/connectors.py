"""Which connector delivers a reply: ``connector_for(shop, remote_ref=...)`` is the one answer.

The marketplace's own connector when the shop has an account with a token and the item has
an address there; the local connector otherwise — an item the marketplace never gave us
(demo data, a question typed in by hand) could only be refused there.
"""

from __future__ import annotations

from sellerdesk.core.models import Marketplace, Shop
from sellerdesk.marketplaces.base import MarketplaceConnector
from sellerdesk.marketplaces.models import MarketplaceAccount


def wildberries_account_for(shop: Shop) -> MarketplaceAccount | None:
    """The shop's Wildberries account with a token, if it has one (a read, used by sync too)."""
    if shop.marketplace != Marketplace.WILDBERRIES:
        return None
    return (
        MarketplaceAccount.objects.for_shop(shop)
        .exclude(token_encrypted="")
        .select_related("shop")
        .first()
    )


def connector_for(shop: Shop, *, remote_ref: str | None) -> MarketplaceConnector:
    """The connector for an item of ``shop`` that the marketplace calls ``remote_ref``.

    Tests that simulate a marketplace replace this function
    (``monkeypatch.setattr(connectors, "connector_for", ...)``); the outbox looks it up here
    on every attempt.
    """
    if remote_ref:
        account = wildberries_account_for(shop)
        if account is not None:
            from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector

            return WildberriesConnector(account)
    from sellerdesk.marketplaces.local import LocalConnector

    return LocalConnector()
