"""Daily roll-ups for dashboards: which days are built, building them, splitting a period.

Apps declare their builders on their AppConfig (``rollups = {"sla": callable}``); each
builder replaces one shop-local day's rows in a transaction, so building twice gives the
same rows (idempotent) and a day can be rebuilt on demand (``manage.py rollup_rebuild``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sellerdesk.core.models import RollupDay, Shop

Builder = Callable[[Shop, date], int]


def builders() -> dict[str, Builder]:
    found: dict[str, Builder] = {}
    for config in apps.get_app_configs():
        found.update(getattr(config, "rollups", {}))
    return found


def day_bounds(shop: Shop, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where ``day`` starts and ends in the shop's time zone."""
    tz = ZoneInfo(shop.time_zone)
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def local_today(shop: Shop, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(shop.time_zone)).date()


def rollup_build(*, kind: str, shop: Shop, day: date, now: datetime | None = None) -> int:
    """(Re)build one day of one kind for one shop; rows written."""
    builder = builders()[kind]
    with transaction.atomic():
        rows = builder(shop, day)
        RollupDay.objects.update_or_create(
            kind=kind, shop=shop, day=day, defaults={"built_at": now or timezone.now()}
        )
    return rows


def rollups_catch_up(*, days_back: int = 3, now: datetime | None = None) -> int:
    """Build every finished day of the last ``days_back`` days not built yet; days built.

    A day is built only once it is over in the shop's zone (plus a few minutes for events
    recorded at its very end), so a built day never changes afterwards.
    """
    now = now or timezone.now()
    built = 0
    kinds = builders()
    for shop in Shop.objects.all():
        settled = (now - timedelta(minutes=10)).astimezone(ZoneInfo(shop.time_zone)).date()
        days = [settled - timedelta(days=n) for n in range(1, days_back + 1)]
        done = set(RollupDay.objects.filter(shop=shop, day__in=days).values_list("kind", "day"))
        for kind in kinds:
            for day in days:
                if (kind, day) not in done:
                    rollup_build(kind=kind, shop=shop, day=day, now=now)
                    built += 1
    return built


@dataclass(frozen=True)
class Split:
    """A period cut into what roll-ups answer and what must be read raw."""

    rolled: dict[int, list[date]]  # shop id -> built days in the period
    raw: Q  # the raw rows of every other day (match on ``shop`` and ``at_field``)


def split_period(
    *, kind: str, shops: Iterable[Shop], start: date, end: date, at_field: str = "at"
) -> Split:
    """Per shop (each in its own zone): built days come from roll-ups, the rest stays raw.

    ``kind=""``: every day raw (the baseline the roll-ups are checked against).
    """
    shops = list(shops)
    built: dict[int, set[date]] = {shop.pk: set() for shop in shops}
    if kind:
        for shop_id, day in RollupDay.objects.filter(
            kind=kind, shop__in=[shop.pk for shop in shops], day__gte=start, day__lte=end
        ).values_list("shop_id", "day"):
            built[shop_id].add(day)
    raw = Q(pk__in=[])
    for shop in shops:
        run_start: date | None = None
        day = start
        while day <= end + timedelta(days=1):
            inside = day <= end and day not in built[shop.pk]
            if inside and run_start is None:
                run_start = day
            elif not inside and run_start is not None:
                lower, _ = day_bounds(shop, run_start)
                upper, _ = day_bounds(shop, day)
                raw |= Q(shop=shop.pk, **{f"{at_field}__gte": lower, f"{at_field}__lt": upper})
                run_start = None
            day += timedelta(days=1)
    return Split(rolled={k: sorted(v) for k, v in built.items()}, raw=raw)
