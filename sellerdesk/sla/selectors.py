"""SLA reads: due-soon lookups for the inbox pages, dashboard aggregates, reminders.

The dashboard aggregates in the database (counts, percentiles, daily buckets), so a
year of events costs a few indexed scans, not a Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from sellerdesk.core.models import Shop
from sellerdesk.core.rollups import split_period
from sellerdesk.sla.models import (
    DURATION_BUCKET_EDGES_MINUTES,
    DURATION_BUCKETS,
    NO_BUCKET,
    ClockState,
    EventKind,
    Reminder,
    SlaClock,
    SlaDaily,
    SlaEvent,
    duration_bucket_expression,
    duration_bucket_field,
)

# --- For chats / questions --------------------------------------------------------------------


def due_at_map(
    channel: str, item_ids: Iterable[int], *, shop: Shop | None = None
) -> dict[int, tuple[datetime, str, datetime]]:
    """``{item_id: (due_at, state, warn_at)}`` for the open periods of these items, in one query.

    Items without an open period (answered, never waiting) are absent.
    """
    ids = list(item_ids)
    if not ids:
        return {}
    clocks = SlaClock.objects.filter(channel=channel, item_id__in=ids, answered_at__isnull=True)
    if shop is not None:
        clocks = clocks.for_shop(shop)
    return {
        item_id: (due_at, state, warn_at)
        for item_id, due_at, state, warn_at in clocks.values_list(
            "item_id", "sla_due_at", "state", "sla_warn_at"
        )
    }


def with_sla_due(queryset: QuerySet, channel: str, *, item_field: str = "pk") -> QuerySet:
    """Annotate ``sla_due_at`` (open period's due time, else null) for a "due soon" ordering.

    ``with_sla_due(conversations, "chat").order_by(F("sla_due_at").asc(nulls_last=True), "-pk")``
    """
    open_clock = SlaClock.objects.filter(
        channel=channel, item_id=OuterRef(item_field), answered_at__isnull=True
    ).values("sla_due_at")[:1]
    return queryset.annotate(sla_due_at=Subquery(open_clock))


def due_soon_ordering() -> list:
    return [F("sla_due_at").asc(nulls_last=True)]


DUE_CURSOR_SEPARATOR = "~"


def due_cursor_encode(due_at: datetime, item_id: int) -> str:
    return f"{int(due_at.timestamp() * 1_000_000)}{DUE_CURSOR_SEPARATOR}{item_id}"


def due_cursor_decode(raw: str | None) -> tuple[datetime, int] | None:
    if not raw or DUE_CURSOR_SEPARATOR not in raw:
        return None
    micros, _sep, item_id = raw.partition(DUE_CURSOR_SEPARATOR)
    try:
        return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(item_id)
    except (ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class DuePage:
    """One page of a "due soon" list: item ids in order, their badges, the next page's cursor."""

    item_ids: list[int]
    sla_map: dict[int, tuple[datetime, str, datetime]]
    next_cursor: str = ""


def open_clock_page(
    *,
    shop: Shop,
    channel: str,
    items: QuerySet | None = None,
    cursor: str | None = None,
    limit: int = 30,
) -> DuePage:
    """The shop's open periods of ``channel``, most urgent first, one page (one query).

    Driven by the clock table (index ``sla_clock_shop_open_due``) with a keyset on
    (sla_due_at, item_id), so page 100 costs what page 1 does. ``items`` — a queryset of the
    channel's items carrying the list's other filters (tab, product, search) — restricts the
    page inside the same SQL statement; items without an open period never appear.
    ``sla_map`` has the same shape as ``due_at_map``, so the page needs no second lookup.
    """
    clocks = SlaClock.objects.for_shop(shop).filter(channel=channel, answered_at__isnull=True)
    if items is not None:
        clocks = clocks.filter(item_id__in=items.order_by().values("pk"))
    position = due_cursor_decode(cursor)
    if position is not None:
        due_at, item_id = position
        clocks = clocks.filter(Q(sla_due_at__gt=due_at) | Q(sla_due_at=due_at, item_id__gt=item_id))
    rows = list(
        clocks.order_by("sla_due_at", "item_id").values_list(
            "item_id", "sla_due_at", "state", "sla_warn_at"
        )[: limit + 1]
    )
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = due_cursor_encode(rows[-1][1], rows[-1][0])
    return DuePage(
        item_ids=[row[0] for row in rows],
        sla_map={item_id: (due_at, state, warn_at) for item_id, due_at, state, warn_at in rows},
        next_cursor=next_cursor,
    )


# --- Dashboard --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilter:
    shops: tuple[Shop, ...]
    start: date
    end: date  # inclusive
    channel: str  # "" for all
    tz: ZoneInfo

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time(), tzinfo=self.tz)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=self.tz)


@dataclass
class Summary:
    met: int = 0
    breached: int = 0
    answered: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def met_share(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass
class SellerRow:
    seller_id: int | None
    name: str
    answered: int
    met: int
    late: int
    median_seconds: float | None
    p90_seconds: float | None

    @property
    def met_share(self) -> float | None:
        return self.met / self.answered if self.answered else None


@dataclass
class DayBar:
    day: date
    count: int
    x: float = 0
    y: float = 0
    height: float = 0
    label: str = ""


@dataclass
class Chart:
    bars: list[DayBar] = field(default_factory=list)
    max_count: int = 0
    width: int = 720
    height: int = 160
    bar_width: float = 0


def _events(flt: DashboardFilter) -> QuerySet[SlaEvent]:
    """The filter's raw events, each shop's period in the shop's own time zone."""
    events = SlaEvent.objects.filter(_raw_period(flt, rolled=False))
    if flt.channel:
        events = events.filter(channel=flt.channel)
    return events


def _raw_period(flt: DashboardFilter, *, rolled: bool) -> Q:
    """Raw rows to read: every day of the period, or only days without a roll-up."""
    return split_period(
        kind="sla" if rolled else "", shops=flt.shops, start=flt.start, end=flt.end
    ).raw


_ANSWERS = (EventKind.MET, EventKind.ANSWERED_LATE)
_FIGURE_KINDS = (*_ANSWERS, EventKind.BREACHED)


def _ranked_value(buckets: list[int], rank: int) -> float:
    """The ``rank``-th smallest time (0-based), placed evenly inside its bucket."""
    before = 0
    for index, count in enumerate(buckets):
        if rank < before + count:
            low = DURATION_BUCKET_EDGES_MINUTES[index - 1] * 60 if index else 0
            if index >= len(DURATION_BUCKET_EDGES_MINUTES):
                return float(low)  # the open-ended bucket: its lower edge
            high = DURATION_BUCKET_EDGES_MINUTES[index] * 60
            return low + (high - low) * (rank - before + 0.5) / count
        before += count
    raise ValueError("rank beyond the counts")


def bucket_percentile(buckets: list[int], fraction: float) -> float | None:
    """``percentile_cont`` over bucketed times: the two neighbouring order statistics, each
    placed evenly inside its bucket, interpolated as PostgreSQL does.

    Depends on the bucket counts only, so roll-ups and raw events give the same number; each
    order statistic is off by at most half its bucket (30 s below 20 minutes).
    """
    total = sum(buckets)
    if not total:
        return None
    position = fraction * (total - 1)
    lower = int(position)
    low_value = _ranked_value(buckets, lower)
    if lower + 1 >= total or position == lower:
        return low_value
    return low_value + (position - lower) * (_ranked_value(buckets, lower + 1) - low_value)


@dataclass
class Figures:
    """Additive SLA counts: answers in time, late, breaches, answer times by bucket."""

    met: int = 0
    late: int = 0
    breached: int = 0
    buckets: list[int] = field(default_factory=lambda: [0] * DURATION_BUCKETS)

    def add(self, other: Figures) -> None:
        self.met += other.met
        self.late += other.late
        self.breached += other.breached
        self.buckets = [a + b for a, b in zip(self.buckets, other.buckets, strict=True)]


@dataclass
class DashboardFigures:
    per_seller: dict[int | None, Figures]
    breaches_per_day: dict[date, int]

    @property
    def total(self) -> Figures:
        total = Figures()
        for figures in self.per_seller.values():
            total.add(figures)
        return total


def _add_event_rows(target: dict, rows: Iterable[dict]) -> None:
    for row in rows:
        figures = target.setdefault(row["seller_id"], Figures())
        kind, n = row["kind"], row["n"]
        if kind == EventKind.MET:
            figures.met += n
        elif kind == EventKind.ANSWERED_LATE:
            figures.late += n
        elif kind == EventKind.BREACHED:
            figures.breached += n
        if kind in _ANSWERS and row["bucket"] != NO_BUCKET:
            figures.buckets[row["bucket"]] += n


def _shops_by_zone(shops: Iterable[Shop]) -> dict[str, list[int]]:
    zones: dict[str, list[int]] = {}
    for shop in shops:
        zones.setdefault(shop.time_zone, []).append(shop.pk)
    return zones


def dashboard_figures(flt: DashboardFilter, *, use_rollups: bool = True) -> DashboardFigures:
    """Everything the dashboard's figures need: from daily roll-ups for the days the worker
    built, from raw events for the rest (today); ``use_rollups=False`` reads raw only."""
    per_seller: dict[int | None, Figures] = {}
    per_day: dict[date, int] = {}
    channel = Q(channel=flt.channel) if flt.channel else Q()
    if use_rollups:
        bucket_fields = [duration_bucket_field(i) for i in range(DURATION_BUCKETS)]
        rolled = SlaDaily.objects.filter(
            channel, shop__in=[shop.pk for shop in flt.shops], day__gte=flt.start, day__lte=flt.end
        )
        for row in rolled.values("seller_id").annotate(
            met_sum=Sum("met"),
            late_sum=Sum("answered_late"),
            breached_sum=Sum("breached"),
            **{f"{name}_sum": Sum(name) for name in bucket_fields},
        ):
            per_seller[row["seller_id"]] = Figures(
                met=row["met_sum"],
                late=row["late_sum"],
                breached=row["breached_sum"],
                buckets=[row[f"{name}_sum"] for name in bucket_fields],
            )
        for row in rolled.filter(breached__gt=0).values("day").annotate(n=Sum("breached")):
            per_day[row["day"]] = per_day.get(row["day"], 0) + row["n"]
    raw = SlaEvent.objects.filter(
        channel, _raw_period(flt, rolled=use_rollups), kind__in=_FIGURE_KINDS
    )
    raw_figures: dict[int | None, Figures] = {}
    _add_event_rows(
        raw_figures,
        raw.annotate(bucket=duration_bucket_expression())
        .values("seller_id", "kind", "bucket")
        .annotate(n=Count("*"))
        .order_by(),
    )
    for seller_id, figures in raw_figures.items():
        per_seller.setdefault(seller_id, Figures()).add(figures)
    for zone, shop_ids in _shops_by_zone(flt.shops).items():
        for row in (
            raw.filter(shop__in=shop_ids, kind=EventKind.BREACHED)
            .annotate(day=TruncDate("at", tzinfo=ZoneInfo(zone)))
            .values("day")
            .annotate(n=Count("*"))
            .order_by()
        ):
            per_day[row["day"]] = per_day.get(row["day"], 0) + row["n"]
    return DashboardFigures(per_seller=per_seller, breaches_per_day=per_day)


def dashboard_summary(figures: DashboardFigures) -> Summary:
    total = figures.total
    return Summary(
        met=total.met,
        breached=total.breached,
        answered=total.met + total.late,
        median_seconds=bucket_percentile(total.buckets, 0.5),
        p90_seconds=bucket_percentile(total.buckets, 0.9),
    )


def dashboard_breach_chart(flt: DashboardFilter, figures: DashboardFigures) -> Chart:
    """Breaches per day (each shop's own days), laid out as SVG bars."""
    per_day = figures.breaches_per_day
    days = (flt.end - flt.start).days + 1
    chart = Chart()
    chart.bars = [
        DayBar(
            day=flt.start + timedelta(days=n), count=per_day.get(flt.start + timedelta(days=n), 0)
        )
        for n in range(days)
    ]
    chart.max_count = max((bar.count for bar in chart.bars), default=0)
    chart.bar_width = chart.width / max(days, 1)
    plot_height = chart.height - 20
    for index, bar in enumerate(chart.bars):
        bar.height = round(plot_height * bar.count / chart.max_count, 1) if chart.max_count else 0
        bar.x = round(index * chart.bar_width, 2)
        bar.y = round(plot_height - bar.height, 1)
        bar.label = f"{bar.day:%d.%m}"
    return chart


def dashboard_per_seller(figures: DashboardFigures) -> list[SellerRow]:
    answered = {
        seller_id: row for seller_id, row in figures.per_seller.items() if row.met + row.late
    }
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model()
        .objects.filter(pk__in=[pk for pk in answered if pk])
        .only("username", "first_name", "last_name")
    }
    rows = [
        SellerRow(
            seller_id=seller_id,
            name=names.get(seller_id, "") if seller_id else "",
            answered=row.met + row.late,
            met=row.met,
            late=row.late,
            median_seconds=bucket_percentile(row.buckets, 0.5),
            p90_seconds=bucket_percentile(row.buckets, 0.9),
        )
        for seller_id, row in answered.items()
    ]
    return sorted(rows, key=lambda row: (-row.answered, row.name))


def clocks_at_risk(
    *, shops: Iterable[Shop], channel: str = "", now: datetime | None = None, limit: int = 50
) -> list[SlaClock]:
    """Open, not yet breached periods past their warning time, soonest deadline first."""
    now = now or timezone.now()
    clocks = SlaClock.objects.filter(
        shop__in=[shop.pk for shop in shops],
        answered_at__isnull=True,
        state=ClockState.WAITING,
        sla_warn_at__lte=now,
    )
    if channel:
        clocks = clocks.filter(channel=channel)
    return list(clocks.select_related("shop").order_by("sla_due_at")[:limit])


def clocks_breached_open(
    *, shops: Iterable[Shop], channel: str = "", limit: int = 50
) -> list[SlaClock]:
    """Breached periods still waiting for an answer, the longest-overdue first."""
    clocks = SlaClock.objects.filter(
        shop__in=[shop.pk for shop in shops], answered_at__isnull=True, state=ClockState.BREACHED
    )
    if channel:
        clocks = clocks.filter(channel=channel)
    return list(clocks.select_related("shop").order_by("sla_due_at")[:limit])


def events_for_export(flt: DashboardFilter) -> Iterator[SlaEvent]:
    return (
        _events(flt).select_related("shop", "seller").order_by("at", "pk").iterator(chunk_size=2000)
    )


def clock_events(*, clock: SlaClock) -> list[SlaEvent]:
    return list(clock.events.select_related("seller").order_by("at", "pk"))


# --- Reminders --------------------------------------------------------------------------------


def reminders_for(*, shop: Shop, user, limit: int = 50) -> list[Reminder]:
    return list(Reminder.objects.for_shop(shop).filter(user=user)[:limit])


def unread_reminder_count(*, shop: Shop, user) -> int:
    return Reminder.objects.for_shop(shop).filter(user=user, read_at__isnull=True).count()
