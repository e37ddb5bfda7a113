from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    label = "reviews"
    verbose_name = _("Reviews")
    # A new shop gets the default situation rules and compensation limits after its creation commits.
    shop_created_task = "reviews.tasks.reviews_install_defaults"

    @property
    def inbound_handlers(self) -> dict:
        """What the marketplace sync hands to this app (see sellerdesk.marketplaces.inbound)."""
        from reviews.services import review_import_from_marketplace
        from sellerdesk.marketplaces.models import InboundStream

        return {InboundStream.FEEDBACK: review_import_from_marketplace}

    @property
    def nav_items(self) -> tuple:
        from sellerdesk.core.models import Role
        from sellerdesk.core.navigation import NavItem

        return (
            NavItem(
                _("Reviews"),
                "reviews:list",
                Role.SELLER,
                order=30,
                badge_url_name="reviews:unanswered_badge",
            ),
            NavItem(
                _("Review playbooks"),
                "reviews:settings",
                Role.MANAGER,
                order=55,
                section="settings",
            ),
        )
