"""The SLA clock's entry points, called by the apps whose items wait for a seller.

Chats call ``waiting_started`` when a buyer writes into a conversation that was not
already waiting, and ``waiting_stopped`` when a seller replies. Questions call
``waiting_started`` when a question arrives and ``waiting_stopped`` when it is answered,
declined (by hand or automatically). Call them inside the same transaction as the
write; the SLA app defers its own side effects (Celery timers) to on_commit.

``channel`` is one of "chat", "question", "review"; ``item_id`` is the primary key of
the conversation, question or review.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from sellerdesk.core.live import shop_changed
from sellerdesk.core.models import Shop

logger = logging.getLogger(__name__)


# An SLA failure must never cost the caller its buyer message or its answer: each hook
# runs in a savepoint, and an error is logged (with traceback) instead of raised.


def waiting_started(*, shop: Shop, channel: str, item_id: int, since: datetime) -> None:
    """A buyer is now waiting for an answer on this item (idempotent while already waiting)."""
    from sellerdesk.sla import services

    shop_changed(shop_id=shop.pk)  # open pages refresh their counters and badges
    try:
        with transaction.atomic():
            services.sla_waiting_start(shop=shop, channel=channel, item_id=item_id, since=since)
    except Exception:
        logger.exception("SLA clock not started for %s #%s", channel, item_id)


def waiting_stopped(
    *, shop: Shop, channel: str, item_id: int, at: datetime, by_user_id: int | None = None
) -> None:
    """The seller answered (or the item was declined): the current waiting period ends."""
    from sellerdesk.sla import services

    shop_changed(shop_id=shop.pk)
    try:
        with transaction.atomic():
            services.sla_waiting_stop(
                shop=shop, channel=channel, item_id=item_id, at=at, by_user_id=by_user_id
            )
    except Exception:
        logger.exception("SLA clock not stopped for %s #%s", channel, item_id)
