from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sellerdesk.core"
    label = "core"
    verbose_name = _("Shops and people")

    def ready(self) -> None:
        # Create the Celery app as soon as Django is set up, so @shared_task binds to it.
        from sellerdesk.celery import app  # noqa: F401
