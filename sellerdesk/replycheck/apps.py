from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplycheckConfig(AppConfig):
    name = "sellerdesk.replycheck"
    label = "replycheck"
    verbose_name = _("Reply checks")
    nav_items: tuple = ()

    def ready(self) -> None:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        self.nav_items = (
            NavItem(
                _("Reply rules"),
                "replycheck:policy_settings",
                Role.MANAGER,
                order=60,
                section="settings",
            ),
            NavItem(
                _("Reply check"), "replycheck:playground", Role.SELLER, order=65, section="settings"
            ),
            NavItem(_("Reply quality"), "replycheck:quality", Role.ADMIN, order=71),
        )

    @property
    def rollups(self) -> dict:
        from sellerdesk.replycheck.services import quality_rollup_day

        return {"quality": quality_rollup_day}
