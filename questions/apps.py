from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    label = "questions"
    verbose_name = _("Product questions")

    @property
    def inbound_handlers(self) -> dict:
        """What the marketplace sync hands to this app (see sellerdesk.marketplaces.inbound)."""
        from questions.services import question_import_from_marketplace
        from sellerdesk.marketplaces.models import InboundStream

        return {InboundStream.QUESTION: question_import_from_marketplace}

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(
                _("Questions"),
                "questions:list",
                Role.SELLER,
                order=20,
                badge_url_name="questions:new_badge",
            ),
            NavItem(
                _("Decline rules"), "questions:rules", Role.MANAGER, order=50, section="settings"
            ),
        )
