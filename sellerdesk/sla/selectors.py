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
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from sellerdesk.core.models import Shop
from sellerdesk.sla.models import ClockState, EventKind, Reminder, SlaClock, SlaEvent

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


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


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
    events = SlaEvent.objects.filter(
        shop__in=[shop.pk for shop in flt.shops], at__gte=flt.start_at, at__lt=flt.end_at
    )
    if flt.channel:
        events = events.filter(channel=flt.channel)
    return events


_ANSWERS = (EventKind.MET, EventKind.ANSWERED_LATE)


def _percentiles_fallback(answers: QuerySet[SlaEvent]) -> tuple[float | None, float | None]:
    """Median and p90 without percentile_cont (SQLite): two offset reads."""
    total = answers.count()
    if not total:
        return None, None
    ordered = answers.order_by("duration_seconds").values_list("duration_seconds", flat=True)
    return float(ordered[(total - 1) // 2]), float(ordered[int((total - 1) * 0.9)])


def dashboard_summary(flt: DashboardFilter) -> Summary:
    """Counts and response-time percentiles in one scan of the covering index."""
    answered = Q(kind__in=_ANSWERS, duration_seconds__isnull=False)
    aggregates = {
        "met": Count("kind", filter=Q(kind=EventKind.MET)),
        "breached": Count("kind", filter=Q(kind=EventKind.BREACHED)),
        "answered": Count("kind", filter=Q(kind__in=_ANSWERS)),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["median"] = PercentileCont("duration_seconds", 0.5, filter=answered)
        aggregates["p90"] = PercentileCont("duration_seconds", 0.9, filter=answered)
    events = _events(flt).filter(kind__in=[EventKind.BREACHED, *_ANSWERS])
    row = events.aggregate(**aggregates)
    if postgres:
        median, p90 = row["median"], row["p90"]
    else:
        median, p90 = _percentiles_fallback(events.filter(answered))
    return Summary(
        met=row["met"],
        breached=row["breached"],
        answered=row["answered"],
        median_seconds=median,
        p90_seconds=p90,
    )


def dashboard_breach_chart(flt: DashboardFilter) -> Chart:
    """Breaches per day in the viewer's time zone, laid out as SVG bars."""
    rows = (
        _events(flt)
        .filter(kind=EventKind.BREACHED)
        .annotate(day=TruncDate("at", tzinfo=flt.tz))
        .values("day")
        .annotate(count=Count("*"))
        .order_by("day")
    )
    per_day = {row["day"]: row["count"] for row in rows}
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


def dashboard_per_seller(flt: DashboardFilter) -> list[SellerRow]:
    answers = _events(flt).filter(kind__in=_ANSWERS)
    aggregates = {
        "answered": Count("kind"),
        "met": Count("kind", filter=Q(kind=EventKind.MET)),
        "late": Count("kind", filter=Q(kind=EventKind.ANSWERED_LATE)),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["median"] = PercentileCont("duration_seconds", 0.5)
        aggregates["p90"] = PercentileCont("duration_seconds", 0.9)
    rows = list(answers.values("seller_id").annotate(**aggregates).order_by("-answered"))
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model()
        .objects.filter(pk__in=[row["seller_id"] for row in rows if row["seller_id"]])
        .only("username", "first_name", "last_name")
    }
    result = []
    for row in rows:
        median = row.get("median")
        p90 = row.get("p90")
        if not postgres:
            median, p90 = _percentiles_fallback(
                answers.filter(seller_id=row["seller_id"], duration_seconds__isnull=False)
            )
        result.append(
            SellerRow(
                seller_id=row["seller_id"],
                name=names.get(row["seller_id"], ""),
                answered=row["answered"],
                met=row["met"],
                late=row["late"],
                median_seconds=median,
                p90_seconds=p90,
            )
        )
    return result


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
