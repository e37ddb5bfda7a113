from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TemplatesLibConfig(AppConfig):
    name = "templates_lib"
    label = "templates_lib"
    verbose_name = _("Reply templates")
    # Every new shop starts with the shipped template set (see core.services.shop_create).
    shop_created_task = "templates_lib.tasks.templates_install_defaults_task"

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (NavItem(_("Templates"), "templates_lib:list", Role.SELLER, order=40),)
