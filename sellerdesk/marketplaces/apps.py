from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplacesConfig(AppConfig):
    name = "sellerdesk.marketplaces"
    label = "marketplaces"
    verbose_name = _("Marketplace connection")

    def ready(self) -> None:
        # Every process (web, worker, beat, manage.py) refuses to start when a synced stream
        # has no owner: a missing hook must not park inbound items unnoticed.
        from django.apps import apps

        from sellerdesk.marketplaces.inbound import handlers_install

        handlers_install(apps.get_app_configs())

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(
                _("Marketplace"), "marketplaces:account", Role.MANAGER, order=80, section="settings"
            ),
        )
