"""Background work for reviews: each task takes ids and calls one service."""

from __future__ import annotations

import math

from celery import shared_task

from reviews import services
from sellerdesk.marketplaces import ConnectorError
from sellerdesk.marketplaces.services import retry_delay


@shared_task(bind=True, acks_late=True, max_retries=6)
def review_deliver(self, review_id: int) -> None:
    try:
        services.review_deliver(review_id=review_id)
    except ConnectorError as error:
        if self.request.retries >= self.max_retries:
            services.review_delivery_failed(review_id=review_id, message=str(error))
            return
        # The backoff, but never sooner than the marketplace asked (retry_after of a 429).
        countdown = math.ceil(retry_delay(error, min(600, 15 * 2**self.request.retries)))
        raise self.retry(exc=error, countdown=countdown) from error


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
