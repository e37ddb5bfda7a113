from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TemplatesLibConfig(AppConfig):
    name = "templates_lib"
    label = "templates_lib"
    verbose_name = _("Reply templates")
    # Menu entries: sellerdesk.core.navigation.NavItem(label, url_name, role, order).
    nav_items: tuple = ()
