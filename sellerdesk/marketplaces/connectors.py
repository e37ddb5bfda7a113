"""Which connector serves a shop: the marketplace's own when the shop has an account with a
token, else the local connector. ``base.get_connector`` delegates here; nothing here calls it back."""

from __future__ import annotations

from sellerdesk.core.models import Marketplace, Shop
from sellerdesk.marketplaces import base
from sellerdesk.marketplaces.models import MarketplaceAccount


def wildberries_account_for(shop: Shop) -> MarketplaceAccount | None:
    if shop.marketplace != Marketplace.WILDBERRIES:
        return None
    return (
        MarketplaceAccount.objects.for_shop(shop)
        .exclude(token_encrypted="")
        .select_related("shop")
        .first()
    )


def marketplace_connector_for(shop: Shop) -> base.MarketplaceConnector | None:
    """The real marketplace connector for ``shop``, or None when it has no working account.

    ``connector_for_shop`` asks this first and falls back to the local connector only on None.
    """
    account = wildberries_account_for(shop)
    if account is None:
        return None
    from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector

    return WildberriesConnector(account)


def connector_for_shop(shop: Shop) -> base.MarketplaceConnector:
    """The connector to deliver ``shop``'s replies with: the marketplace's, else the local one."""
    connector = marketplace_connector_for(shop)
    if connector is not None:
        return connector
    from sellerdesk.marketplaces.local import LocalConnector

    return LocalConnector()


def connector_for_item(
    connector: base.MarketplaceConnector, *, remote_ref: str | None
) -> base.MarketplaceConnector:
    """``connector`` for an item the marketplace knows, the local connector for one it never gave us.

    Items created here (demo data, a question typed in by hand) have no address on the
    marketplace: a marketplace connector (``needs_remote_ref``) could only be refused there.
    Callers pass what ``get_connector`` returned, so a replaced ``get_connector`` still decides.
    """
    if remote_ref or not getattr(connector, "needs_remote_ref", False):
        return connector
    from sellerdesk.marketplaces.local import LocalConnector

    return LocalConnector()
