from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatsConfig(AppConfig):
    name = "chats"
    label = "chats"
    verbose_name = _("Chats")

    def ready(self) -> None:
        from chats.services import chat_message_delivery_changed
        from sellerdesk.marketplaces.signals import outbound_item_changed

        outbound_item_changed.connect(
            lambda sender, item, **_: chat_message_delivery_changed(item=item),
            dispatch_uid="chats.delivery_changed",
            weak=False,
        )

    @property
    def inbound_handlers(self) -> dict:
        """What the marketplace sync hands to this app (see sellerdesk.marketplaces.inbound)."""
        from chats.services import chat_message_import_from_marketplace
        from sellerdesk.marketplaces.models import InboundStream

        return {InboundStream.CHAT_EVENT: chat_message_import_from_marketplace}

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(
                _("Chats"),
                "chats:inbox",
                Role.SELLER,
                order=10,
                badge_url_name="chats:unread_badge",
                live_url_name="chats:live",
            ),
        )
