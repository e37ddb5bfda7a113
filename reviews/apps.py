from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    label = "reviews"
    verbose_name = _("Reviews")
    # Menu entries: sellerdesk.core.navigation.NavItem(label, url_name, role, order).
    nav_items: tuple = ()
