"""Background work for reviews: each task takes ids and calls one service."""

from __future__ import annotations

from celery import shared_task

from reviews import services


@shared_task(acks_late=True)
def reviews_reclassify(shop_id: int) -> int:
    """The situation rules changed: classify the waiting unhappy reviews again."""
    return services.reviews_reclassify(shop_id=shop_id)


@shared_task
def reviews_install_defaults(shop_id: int) -> int:
    """Default situation rules and limits for a new shop (idempotent)."""
    from sellerdesk.core.models import Shop

    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return 0
    return len(services.situation_rules_install_defaults(shop=shop))
