"""Celery tasks: take ids, call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import MarketplaceAccount

logger = logging.getLogger(__name__)

SYNC_LOCK_SECONDS = 600


# Acknowledged on receipt: the outbox row, not the broker message, is the record of what is
# left to send. A worker killed mid-call leaves its item "sending" with a lease that the
# sweep reclaims; redelivering the message an hour later (visibility timeout) would add nothing.
@shared_task(name="marketplaces.outbox_send", acks_late=False)
def outbox_send(item_id: int) -> None:
    services.outbox_deliver(item_id=item_id)


@shared_task(name="marketplaces.outbox_sweep", acks_late=False)
def outbox_sweep() -> int:
    return services.outbox_requeue_due()


@shared_task(name="marketplaces.account_sync")
def account_sync(account_id: int) -> dict:
    # Two overlapping runs would be harmless (the account row lock serialises pages) but wasteful.
    lock = f"marketplaces:sync:{account_id}"
    if not cache.add(lock, 1, SYNC_LOCK_SECONDS):
        return {"skipped": True}
    try:
        stats = services.account_sync(account_id=account_id)
    finally:
        cache.delete(lock)
    return {"items": stats.items, "pages": stats.pages, "errors": stats.errors}


@shared_task(name="marketplaces.sync_all")
def sync_all() -> int:
    """Beat entry: one sync task per enabled account with a working token."""
    ids = list(
        MarketplaceAccount.objects.filter(enabled=True, auth_failed=False)
        .exclude(token_encrypted="")
        .values_list("pk", flat=True)
    )
    for account_id in ids:
        account_sync.delay(account_id)
    return len(ids)


@shared_task(name="marketplaces.inbound_import_pending")
def inbound_import_pending() -> int:
    return services.inbound_import_pending()
