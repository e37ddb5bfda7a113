"""How SellerDesk talks to marketplaces: one connector interface, one implementation per marketplace.

Apps call ``get_connector(shop)`` and the methods of ``MarketplaceConnector``; they never
import a concrete connector. See ``base.py`` for the contract.
"""

from sellerdesk.marketplaces.base import (
    ConnectorError,
    MarketplaceConnector,
    OutgoingFile,
    get_connector,
)

__all__ = ["ConnectorError", "MarketplaceConnector", "OutgoingFile", "get_connector"]
