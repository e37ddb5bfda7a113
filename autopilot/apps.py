from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutopilotConfig(AppConfig):
    name = "autopilot"
    label = "autopilot"
    verbose_name = _("Autopilot")

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(
                _("Autopilot"),
                "autopilot:page",
                Role.SELLER,
                order=35,
                badge_url_name="autopilot:escalated_badge",
            ),
            NavItem(
                _("Autopilot rules"),
                "autopilot:settings",
                Role.MANAGER,
                order=56,
                section="settings",
            ),
        )
