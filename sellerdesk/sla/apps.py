from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sellerdesk.sla"
    label = "sla"
    verbose_name = _("Response-time SLAs")
    # Menu entries: sellerdesk.core.navigation.NavItem(label, url_name, role, order).
    nav_items: tuple = ()
