"""SLA writes. Placeholder bodies until the SLA issue lands: the signatures are the contract."""

from __future__ import annotations

from datetime import datetime

from sellerdesk.core.models import Shop


def sla_waiting_start(*, shop: Shop, channel: str, item_id: int, since: datetime) -> None:
    return None


def sla_waiting_stop(*, shop: Shop, channel: str, item_id: int, at: datetime, by_user_id: int | None = None) -> None:
    return None
