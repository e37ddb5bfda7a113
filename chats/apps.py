from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatsConfig(AppConfig):
    name = "chats"
    label = "chats"
    verbose_name = _("Chats")
    # Menu entries: sellerdesk.core.navigation.NavItem(label, url_name, role, order).
    nav_items: tuple = ()
