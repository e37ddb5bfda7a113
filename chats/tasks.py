from __future__ import annotations

import math

from celery import shared_task

from chats import services
from chats.models import DeliveryStatus

MAX_RETRIES = services.MAX_DELIVERY_ATTEMPTS - 1


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 5 s, 10 s, 20 s, 40 s…, capped at ten minutes."""
    return min(5 * 2**retries, 600)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def chat_message_deliver_task(self, message_id: int) -> str:
    """Deliver one queued reply; retried with backoff while the marketplace is unreachable."""
    message = services.chat_message_deliver(
        message_id=message_id, final_attempt=self.request.retries >= MAX_RETRIES
    )
    if message.delivery_status == DeliveryStatus.QUEUED:
        countdown = retry_countdown(self.request.retries)
        retry_after = getattr(message, "retry_after", None)
        if retry_after:
            countdown = max(countdown, math.ceil(retry_after))  # the marketplace said when (429)
        raise self.retry(countdown=countdown)
    return message.delivery_status
