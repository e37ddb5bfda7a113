from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplycheckConfig(AppConfig):
    name = "sellerdesk.replycheck"
    label = "replycheck"
    verbose_name = _("Reply checks")
    # Menu entries: sellerdesk.core.navigation.NavItem(label, url_name, role, order).
    nav_items: tuple = ()
