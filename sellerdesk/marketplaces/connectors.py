"""Which connector serves a shop: Wildberries when the shop has a token, else ``base.get_connector``."""

from __future__ import annotations

from sellerdesk.core.models import Marketplace, Shop
from sellerdesk.marketplaces import base
from sellerdesk.marketplaces.models import MarketplaceAccount


def wildberries_account_for(shop: Shop) -> MarketplaceAccount | None:
    if shop.marketplace != Marketplace.WILDBERRIES:
        return None
    return MarketplaceAccount.objects.for_shop(shop).exclude(token_encrypted="").select_related("shop").first()


def connector_for_shop(shop: Shop) -> base.MarketplaceConnector:
    """The connector to deliver ``shop``'s replies with.

    ``base.get_connector`` (owned by chats) can delegate here once the integrator wires it:
    ``from sellerdesk.marketplaces.connectors import connector_for_shop``.
    """
    account = wildberries_account_for(shop)
    if account is not None:
        from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector

        return WildberriesConnector(account)
    return base.get_connector(shop)
