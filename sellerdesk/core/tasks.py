"""Celery entry points of the core app."""

from __future__ import annotations

from celery import shared_task

from sellerdesk.core import rollups


@shared_task(ignore_result=True)
def rollups_catch_up() -> int:
    """Every 15 minutes (beat): build the dashboards' roll-ups of days that have ended."""
    return rollups.rollups_catch_up()
