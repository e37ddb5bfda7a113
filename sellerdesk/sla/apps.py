from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sellerdesk.sla"
    label = "sla"
    verbose_name = _("Response-time SLAs")

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(_("SLA"), "sla:dashboard", Role.ADMIN, order=70),
            NavItem(_("SLA settings"), "sla:policies", Role.MANAGER, order=72, section="settings"),
            NavItem(
                _("Reminders"),
                "sla:reminders",
                Role.SELLER,
                order=75,
                badge_url_name="sla:reminder_badge",
            ),
        )

    @property
    def rollups(self) -> dict:
        from sellerdesk.sla.services import sla_rollup_day

        return {"sla": sla_rollup_day}
