"""Background work for questions: each task takes ids and calls one service."""

from __future__ import annotations

import logging

from celery import shared_task

from questions import services
from questions.models import Question

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def question_arrived(question_id: int) -> None:
    """A new question: apply the decline rules, then (if still New) look for an earlier twin.

    The decline runs in its own transaction: if it fails, nothing is written, the
    question stays New and the task retries.
    """
    try:
        decision = services.question_autodecline_apply(question_id=question_id)
        if decision is None:
            services.question_mark_repeat(question_id=question_id)
            from autopilot.services import question_autopilot  # repeats may be answered alone

            question_autopilot(question_id=question_id)
    except Question.DoesNotExist:
        logger.info("question %s is gone; nothing to check", question_id)


# A demo shop gets at most this many generated questions (about two hours of demo).
DEMO_TRICKLE_LIMIT = 100


@shared_task(acks_late=False, ignore_result=True)
def demo_question_trickle(shop_id: int, step: int) -> None:
    """Generate one demo question, then schedule the next (a chain instead of Celery beat)."""
    from questions import demo

    interval = demo.trickle_interval_seconds()
    if not interval or step >= DEMO_TRICKLE_LIMIT:
        return
    if demo.trickle_question_create(shop_id=shop_id, step=step) is None:
        return
    demo_question_trickle.apply_async((shop_id, step + 1), countdown=interval)
