"""Background work of the autopilot: each task takes ids and calls one service."""

from __future__ import annotations

from celery import shared_task

from autopilot import services


@shared_task(acks_late=True)
def review_arrived(review_id: int) -> None:
    services.review_autopilot(review_id=review_id)


@shared_task(acks_late=True)
def auto_reply_send(auto_id: int) -> str:
    return services.auto_reply_send(auto_id=auto_id)


@shared_task
def auto_replies_sweep() -> int:
    """Backstop for lost ETA tasks (a broker restart, a killed worker): send what is due."""
    due = services.auto_replies_due()
    for auto_id in due:
        auto_reply_send.delay(auto_id)
    return len(due)
