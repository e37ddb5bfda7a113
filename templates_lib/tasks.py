from celery import shared_task

from sellerdesk.core.models import Shop
from templates_lib.services import templates_install_defaults


@shared_task
def templates_install_defaults_task(shop_id: int) -> int:
    """Give a new shop the shipped templates; enqueue on commit of the shop's creation."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return 0
    return len(templates_install_defaults(shop=shop))
