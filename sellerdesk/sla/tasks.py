"""Celery entry points: each takes plain values and calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from sellerdesk.sla import services


@shared_task(ignore_result=True)
def sla_check_clock(clock_id: int, kind: str, target: str) -> str:
    """Fired with an ETA at a warning or due time; idempotent."""
    moment = parse_datetime(target)
    if moment is None:
        raise ValueError(f"not a datetime: {target!r}")
    return services.sla_check_clock(clock_id=clock_id, kind=kind, target=moment)


@shared_task(ignore_result=True)
def sla_sweep() -> dict[str, int]:
    """Every minute (beat): the backstop for timers that were lost."""
    return services.sla_sweep()


@shared_task(ignore_result=True)
def sla_send_reminders() -> int:
    """Every few minutes (beat): reminders at each shop's check times, once per slot."""
    return services.sla_send_reminders()
