from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    label = "questions"
    verbose_name = _("Product questions")
    # Menu entries: sellerdesk.core.navigation.NavItem(label, url_name, role, order).
    nav_items: tuple = ()
