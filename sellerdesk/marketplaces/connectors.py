"""Which connector serves a shop: Wildberries when the shop has a token, else ``base.get_connector``."""

from __future__ import annotations

from sellerdesk.core.models import Marketplace, Shop
from sellerdesk.marketplaces import base
from sellerdesk.marketplaces.models import MarketplaceAccount


def wildberries_account_for(shop: Shop) -> MarketplaceAccount | None:
    if shop.marketplace != Marketplace.WILDBERRIES:
        return None
    return MarketplaceAccount.objects.for_shop(shop).exclude(token_encrypted="").select_related("shop").first()


def marketplace_connector_for(shop: Shop) -> base.MarketplaceConnector | None:
    """The real marketplace connector for ``shop``, or None when it has no working account.

    ``base.get_connector`` (owned by chats) should ask this first and fall back to the local
    connector only on None.
    """
    account = wildberries_account_for(shop)
    if account is None:
        return None
    from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector

    return WildberriesConnector(account)


def connector_for_shop(shop: Shop) -> base.MarketplaceConnector:
    """The connector to deliver ``shop``'s replies with (falls back to ``base.get_connector``)."""
    return marketplace_connector_for(shop) or base.get_connector(shop)
