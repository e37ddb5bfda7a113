"""Celery entry points: each takes plain values and calls one service."""

from __future__ import annotations

from celery import shared_task

from sellerdesk.notifications import services


@shared_task(ignore_result=True)
def notification_deliver(delivery_id: int) -> str:
    return services.notification_deliver(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def notifications_sweep() -> dict[str, int]:
    """Every minute (beat): lost sends, digests, deliveries whose enqueue was lost."""
    return services.deliveries_sweep()


@shared_task(ignore_result=True)
def telegram_poll() -> int:
    """Every 30 s (beat): link chats that sent the bot their code."""
    return services.telegram_poll()
