from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sellerdesk.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(
                _("My notifications"),
                "notifications:profile",
                Role.SELLER,
                order=90,
                section="settings",
            ),
        )
