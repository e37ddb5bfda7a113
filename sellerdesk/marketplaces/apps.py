from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplacesConfig(AppConfig):
    name = "sellerdesk.marketplaces"
    label = "marketplaces"
    verbose_name = _("Marketplace connection")

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(
                _("Marketplace"), "marketplaces:account", Role.MANAGER, order=80, section="settings"
            ),
        )
