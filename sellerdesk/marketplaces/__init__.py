"""How SellerDesk talks to marketplaces: one connector interface, one implementation per marketplace.

Apps never call a connector: they hand a reply to the outbox (``services.outbox_enqueue``),
which resolves ``connectors.connector_for(shop, remote_ref=...)`` and delivers it. See
``base.py`` for the contract.
"""

from sellerdesk.marketplaces.base import ConnectorError, MarketplaceConnector, OutgoingFile

__all__ = ["ConnectorError", "MarketplaceConnector", "OutgoingFile"]
