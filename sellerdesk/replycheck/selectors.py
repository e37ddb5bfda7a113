"""Reads for reply checking: the shop's Policy, parsed once per process and change."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from sellerdesk.core.models import Shop
from sellerdesk.core.rollups import local_today, split_period
from sellerdesk.policy import Policy, similarity
from sellerdesk.replycheck.models import (
    DecisionOutcome,
    PublicReply,
    PublicReplyBand,
    QualityCodeDaily,
    QualityDaily,
    RepetitionSettings,
    ReplyDecision,
    ReplyDecisionCode,
    ShopPolicy,
)


@dataclass(frozen=True)
class _Cached:
    stamp: datetime | None  # ShopPolicy.updated_at, None = no stored rules
    policy: Policy
    probed_at: float  # time.monotonic() of the last freshness probe


# shop id -> what was parsed last. A live check runs at every pause in typing: the
# JSON is parsed only after a manager saved new rules (updated_at moved), and the
# freshness probe is one single-column query that the live check may even skip for
# a couple of seconds (see max_age).
_POLICY_CACHE: dict[int, _Cached] = {}
_CACHE_LOCK = threading.Lock()


def _parse(data: dict) -> Policy:
    try:
        return Policy.from_dict(data) if data else Policy.default()
    except ValueError:
        # Rules a newer engine no longer accepts must not stop sellers from replying;
        # the settings page shows the problem (shop_policy_problem).
        return Policy.default()


def shop_policy_get(*, shop: Shop | int, max_age: float = 0.0) -> Policy:
    """The engine Policy in force for ``shop`` (the engine's defaults if none is stored).

    ``max_age`` > 0 lets a caller accept a policy probed up to that many seconds ago
    in this process (the live check); guards that refuse a send use the default 0.
    Saving rules in this process refreshes at once; other processes within max_age.
    """
    shop_id = shop if isinstance(shop, int) else shop.pk
    cached = _POLICY_CACHE.get(shop_id)
    now = time.monotonic()
    if cached is not None and max_age > 0 and now - cached.probed_at < max_age:
        return cached.policy
    stamp = ShopPolicy.objects.for_shop(shop_id).values_list("updated_at", flat=True).first()
    if cached is not None and cached.stamp == stamp:
        policy = cached.policy
    elif stamp is None:
        policy = Policy.default()
    else:
        data = ShopPolicy.objects.for_shop(shop_id).values_list("data", flat=True).first() or {}
        policy = _parse(data)
    with _CACHE_LOCK:
        _POLICY_CACHE[shop_id] = _Cached(stamp=stamp, policy=policy, probed_at=now)
    return policy


def shop_policy_problem(*, shop: Shop) -> str:
    """Why the stored rules cannot be used ("" when they can, or none are stored)."""
    data = ShopPolicy.objects.for_shop(shop).values_list("data", flat=True).first()
    if not data:
        return ""
    try:
        Policy.from_dict(data)
    except ValueError as exc:
        return str(exc)
    return ""


def shop_policy_record(*, shop: Shop) -> ShopPolicy | None:
    return ShopPolicy.objects.for_shop(shop).select_related("updated_by").first()


def policy_cache_forget(*, shop_id: int) -> None:
    with _CACHE_LOCK:
        _POLICY_CACHE.pop(shop_id, None)


def policy_cache_clear() -> None:
    with _CACHE_LOCK:
        _POLICY_CACHE.clear()


# --- repetitive public replies ----------------------------------------------------------------

# Replies buyers and other shoppers can read; chat messages are private.
PUBLIC_CHANNELS = ("question_answer", "question_decline", "review_reply")
# Band rows read per check, and candidates compared in full: a reply with hundreds of
# near twins is settled by the first few, a unique one has few candidates at all.
_CANDIDATE_ROWS = 2000
_CANDIDATES_COMPARED = 64


@dataclass(frozen=True)
class Repetition:
    count: int  # nearly identical public replies found (at least the shop's min_count)
    similarity: float  # the highest one
    days: int
    examples: tuple[str, ...]


def repetition_settings_get(*, shop: Shop | int) -> RepetitionSettings:
    """The shop's thresholds; the defaults (unsaved) when a manager never changed them."""
    shop_id = shop if isinstance(shop, int) else shop.pk
    found = RepetitionSettings.objects.for_shop(shop_id).first()
    return found or RepetitionSettings(shop_id=shop_id)


def repetitive_replies(
    *,
    shop: Shop | int,
    text: str,
    settings: RepetitionSettings | None = None,
    exclude_item_ref: str = "",
) -> Repetition | None:
    """Nearly identical public replies of the shop in its window, if there are enough of them.

    Candidates come from the LSH band index (one index range per band key); only they
    are compared, by their MinHash signatures.
    """
    shop_id = shop if isinstance(shop, int) else shop.pk
    settings = settings or repetition_settings_get(shop=shop_id)
    if not settings.enabled:
        return None
    sig = similarity.signature(text)
    if sig is None:
        return None
    since = timezone.now() - timedelta(days=settings.window_days)
    # One round trip: a bounded read of the band index, the replies sharing most keys
    # first, and only those replies' signatures.
    band_table = PublicReplyBand._meta.db_table
    reply_table = PublicReply._meta.db_table
    sql = f"""
        SELECT r.text, r.signature, r.item_ref
        FROM (
            SELECT reply_id, count(*) AS shared
            FROM (
                SELECT reply_id FROM {band_table}
                WHERE shop_id = %s AND key IN ({", ".join(["%s"] * len(sig.bands))})
                  AND created_at >= %s
                LIMIT %s
            ) AS hits
            GROUP BY reply_id
            ORDER BY shared DESC
            LIMIT %s
        ) AS top
        JOIN {reply_table} AS r ON r.id = top.reply_id
    """
    params = [shop_id, *sig.bands, since, _CANDIDATE_ROWS, _CANDIDATES_COMPARED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: list[tuple[float, str]] = []
    for reply_text, packed, item_ref in rows:
        if exclude_item_ref and item_ref == exclude_item_ref:
            continue
        score = similarity.estimate(sig.values, similarity.unpack(packed))
        if score >= settings.similarity:
            found.append((score, reply_text))
    if len(found) < settings.min_count:
        return None
    found.sort(key=lambda pair: -pair[0])
    return Repetition(
        count=len(found),
        similarity=found[0][0],
        days=settings.window_days,
        examples=tuple(reply_text for _score, reply_text in found[:3]),
    )


# --- Quality at send: the dashboard and the seller's card --------------------------------------


@dataclass(frozen=True)
class QualityFilter:
    shops: tuple[Shop, ...]
    start: date
    end: date  # inclusive, shop-local days
    channel: str = ""
    user_id: int | None = None


@dataclass
class QualityRow:
    """Counts for one seller (or all of them): each guard decision by outcome."""

    user_id: int | None = None
    name: str = ""
    outcomes: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)

    @property
    def checked(self) -> int:
        return sum(self.outcomes.values())

    @property
    def clean(self) -> int:
        return self.outcomes[DecisionOutcome.SENT_CLEAN]

    @property
    def over_warnings(self) -> int:
        return self.outcomes[DecisionOutcome.SENT_OVER_WARNINGS]

    @property
    def fixed(self) -> int:
        return self.outcomes[DecisionOutcome.FIXED_RESENT]

    @property
    def held(self) -> int:
        return self.outcomes[DecisionOutcome.HELD]

    @property
    def blocked(self) -> int:
        return self.outcomes[DecisionOutcome.BLOCKED]

    @property
    def sent(self) -> int:
        return self.clean + self.over_warnings + self.fixed

    @property
    def top_codes(self) -> list[tuple[str, str, int]]:
        return [(code, code_label(code), n) for code, n in self.codes.most_common(3)]


@dataclass
class CodeRow:
    code: str
    label: str
    findings: int = 0
    blocked: int = 0  # in attempts the guard blocked
    sent_anyway: int = 0  # warnings the seller confirmed and sent


@dataclass
class WeekRow:
    week_start: date
    checked: int = 0
    blocked: int = 0
    over_warnings: int = 0
    bar: float = 0.0  # share of the busiest week, for the chart


@dataclass
class QualityDashboard:
    total: QualityRow
    sellers: list[QualityRow]
    codes: list[CodeRow]
    weeks: list[WeekRow]


def code_label(code: str) -> str:
    from sellerdesk.replycheck.forms import CODE_LABELS

    return str(CODE_LABELS.get(code, code))


def _shops_by_zone(shops: tuple[Shop, ...]) -> dict[str, list[int]]:
    zones: dict[str, list[int]] = defaultdict(list)
    for shop in shops:
        zones[shop.time_zone].append(shop.pk)
    return zones


def _quality_rows(flt: QualityFilter, *, use_rollups: bool):
    """Decision counts ``(day, user_id, outcome, n)`` and code counts
    ``(user_id, code, severity, outcome, n)`` over the filter, from roll-ups where built."""
    shop_ids = [shop.pk for shop in flt.shops]
    extra = Q()
    if flt.channel:
        extra &= Q(channel=flt.channel)
    if flt.user_id is not None:
        extra &= Q(user_id=flt.user_id)
    if use_rollups:
        split = split_period(
            kind="quality", shops=flt.shops, start=flt.start, end=flt.end, at_field="created_at"
        )
        raw_scope = split.raw
        rolled = Q(shop__in=shop_ids, day__gte=flt.start, day__lte=flt.end) & extra
        outcome_rows = [
            (row["day"], row["user_id"], row["outcome"], row["n"])
            for row in QualityDaily.objects.filter(rolled)
            .values("day", "user_id", "outcome")
            .annotate(n=Sum("decisions"))
            .order_by()
        ]
        code_rows = [
            (row["user_id"], row["code"], row["severity"], row["outcome"], row["n"])
            for row in QualityCodeDaily.objects.filter(rolled)
            .values("user_id", "code", "severity", "outcome")
            .annotate(n=Sum("findings"))
            .order_by()
        ]
    else:
        raw_scope = split_period(
            kind="", shops=flt.shops, start=flt.start, end=flt.end, at_field="created_at"
        ).raw
        outcome_rows, code_rows = [], []
    for zone, ids in _shops_by_zone(flt.shops).items():
        decisions = ReplyDecision.objects.filter(raw_scope & extra, shop__in=ids)
        outcome_rows += [
            (row["day"], row["user_id"], row["outcome"], row["n"])
            for row in decisions.annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(zone)))
            .values("day", "user_id", "outcome")
            .annotate(n=Count("*"))
            .order_by()
        ]
    code_rows += [
        (row["user_id"], row["code"], row["severity"], row["outcome"], row["n"])
        for row in ReplyDecisionCode.objects.filter(raw_scope & extra)
        .values("user_id", "code", "severity", "outcome")
        .annotate(n=Count("*"))
        .order_by()
    ]
    return outcome_rows, code_rows


def quality_dashboard(flt: QualityFilter, *, use_rollups: bool = True) -> QualityDashboard:
    outcome_rows, code_rows = _quality_rows(flt, use_rollups=use_rollups)
    total = QualityRow()
    sellers: dict[int | None, QualityRow] = {}
    weeks: dict[date, WeekRow] = {}
    for day, user_id, outcome, n in outcome_rows:
        row = sellers.setdefault(user_id, QualityRow(user_id=user_id))
        row.outcomes[outcome] += n
        total.outcomes[outcome] += n
        week_start = day - timedelta(days=day.weekday())
        week = weeks.setdefault(week_start, WeekRow(week_start=week_start))
        week.checked += n
        if outcome == DecisionOutcome.BLOCKED:
            week.blocked += n
        elif outcome == DecisionOutcome.SENT_OVER_WARNINGS:
            week.over_warnings += n
    codes: dict[str, CodeRow] = {}
    for user_id, code, _severity, outcome, n in code_rows:
        sellers.setdefault(user_id, QualityRow(user_id=user_id)).codes[code] += n
        total.codes[code] += n
        code_row = codes.setdefault(code, CodeRow(code=code, label=code_label(code)))
        code_row.findings += n
        if outcome == DecisionOutcome.BLOCKED:
            code_row.blocked += n
        elif outcome == DecisionOutcome.SENT_OVER_WARNINGS:
            code_row.sent_anyway += n
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model()
        .objects.filter(pk__in=[pk for pk in sellers if pk])
        .only("username", "first_name", "last_name")
    }
    for row in sellers.values():
        row.name = names.get(row.user_id, "") if row.user_id else ""
    first_week = flt.start - timedelta(days=flt.start.weekday())
    week_list = []
    week = first_week
    while week <= flt.end:
        week_list.append(weeks.get(week, WeekRow(week_start=week)))
        week += timedelta(days=7)
    busiest = max((w.checked for w in week_list), default=0)
    for w in week_list:
        w.bar = round(100 * w.checked / busiest, 1) if busiest else 0.0
    return QualityDashboard(
        total=total,
        sellers=sorted(sellers.values(), key=lambda r: (-r.checked, r.name)),
        codes=sorted(codes.values(), key=lambda c: (-c.findings, c.code)),
        weeks=week_list,
    )


@dataclass
class SellerWeekCard:
    checked: int
    clean: int
    over_warnings: int
    blocked: int
    top_codes: list[tuple[str, str, int]]


def seller_week_card(*, shop: Shop, user, now: datetime | None = None) -> SellerWeekCard:
    """ "Your replies this week": the last 7 shop-local days including today."""
    today = local_today(shop, now)
    board = quality_dashboard(
        QualityFilter(shops=(shop,), start=today - timedelta(days=6), end=today, user_id=user.pk)
    )
    row = board.total
    return SellerWeekCard(
        checked=row.checked,
        clean=row.clean + row.fixed,
        over_warnings=row.over_warnings,
        blocked=row.blocked,
        top_codes=row.top_codes,
    )


def decisions_for(
    flt: QualityFilter, *, outcome: str = "", code: str = "", limit: int = 200
) -> list[ReplyDecision]:
    """The decisions behind a dashboard number, newest first (click-through)."""
    rows = ReplyDecision.objects.filter(
        split_period(
            kind="", shops=flt.shops, start=flt.start, end=flt.end, at_field="created_at"
        ).raw
    )
    if flt.channel:
        rows = rows.filter(channel=flt.channel)
    if flt.user_id is not None:
        rows = rows.filter(user_id=flt.user_id)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if code:
        rows = rows.filter(codes__code=code)
    return list(
        rows.select_related("user", "shop")
        .prefetch_related("codes")
        .order_by("-created_at", "-pk")[:limit]
    )
