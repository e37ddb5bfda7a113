"""Reads of the autopilot: the tabs, the figures that show whether it pays off, the chart."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from autopilot.models import AutopilotSettings, AutoReply, Kind, State, SystemicAlert
from sellerdesk.core.models import Shop

TABS = ("escalated", "scheduled", "draft", "sent", "cancelled")
PAGE_SIZE = 50
CHART_DAYS = 14


def autopilot_settings_get(*, shop: Shop) -> AutopilotSettings:
    return AutopilotSettings.objects.for_shop(shop).first() or AutopilotSettings(shop=shop)


def auto_replies(*, shop: Shop, tab: str) -> QuerySet[AutoReply]:
    """One tab, newest first; escalated and scheduled ones still waiting for someone."""
    qs = AutoReply.objects.for_shop(shop).select_related(
        "review", "question", "product", "closed_by", "edited_by"
    )
    if tab == "escalated":
        return qs.filter(state=State.ESCALATED, review__answered_at__isnull=True)
    if tab == "scheduled":
        return qs.filter(state=State.SCHEDULED).order_by("scheduled_for", "pk")
    if tab == "draft":
        return qs.filter(state=State.DRAFT).filter(
            Q(review__answered_at__isnull=True) & Q(question__answered_at__isnull=True)
        )
    if tab == "sent":
        return qs.filter(state=State.SENT).order_by("-sent_at", "-pk")
    return qs.filter(state=State.CANCELLED).order_by("-closed_at", "-pk")


def tab_counts(*, shop: Shop) -> dict[str, int]:
    return {tab: auto_replies(shop=shop, tab=tab).count() for tab in TABS}


def escalated_count(*, shop: Shop) -> int:
    return auto_replies(shop=shop, tab="escalated").count()


def open_alerts(*, shop: Shop) -> list[SystemicAlert]:
    return list(
        SystemicAlert.objects.for_shop(shop)
        .filter(resolved_at__isnull=True)
        .select_related("product")
    )


def draft_for_review(*, review_id: int) -> AutoReply | None:
    """The autopilot's draft to put in a review's reply box (None once it left or was cancelled)."""
    return (
        AutoReply.objects.filter(
            review_id=review_id, state__in=[State.DRAFT, State.ESCALATED, State.CANCELLED]
        )
        .exclude(text="")
        .first()
    )


# --- does it pay off? ------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    day: date
    drafted: int
    sent: int
    edited: int
    cancelled: int
    escalated: int
    by_people: int


@dataclass(frozen=True)
class Figures:
    days: list[DayRow]
    drafted: int
    sent: int
    edited: int
    cancelled: int
    escalated: int
    median_auto_minutes: float | None
    median_people_minutes: float | None


def figures(*, shop: Shop, days: int = CHART_DAYS) -> Figures:
    """Per day over the last ``days`` days: what the autopilot drafted, sent (edited first or
    not), what was cancelled or escalated, and how many reviews people answered; plus the
    median time from a review to its answer with the autopilot and without."""
    from autopilot.services import AUTOPILOT_USERNAME
    from reviews.models import Review

    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(timezone.datetime.combine(first, timezone.datetime.min.time()))
    per_day: dict[date, dict[str, int]] = {
        first + timedelta(days=n): dict.fromkeys(
            ("drafted", "sent", "edited", "cancelled", "escalated", "by_people"), 0
        )
        for n in range(days)
    }
    rows = AutoReply.objects.for_shop(shop).filter(kind=Kind.REVIEW, created_at__gte=since)
    for created, state, edited in rows.values_list("created_at", "state", "edited"):
        bucket = per_day.get(timezone.localdate(created))
        if bucket is None:
            continue
        bucket["drafted"] += 1
        if state == State.ESCALATED:
            bucket["escalated"] += 1
        if state == State.CANCELLED:
            bucket["cancelled"] += 1
        if state == State.SENT:
            bucket["sent"] += 1
            bucket["edited"] += int(edited)
    answered = Review.objects.for_shop(shop).filter(answered_at__gte=since)
    auto_times: list[float] = []
    people_times: list[float] = []
    for created, answered_at, username in answered.values_list(
        "created_at", "answered_at", "answered_by__username"
    ):
        minutes = (answered_at - created).total_seconds() / 60
        if username == AUTOPILOT_USERNAME:
            auto_times.append(minutes)
            continue
        people_times.append(minutes)
        bucket = per_day.get(timezone.localdate(answered_at))
        if bucket is not None:
            bucket["by_people"] += 1
    day_rows = [DayRow(day=day, **values) for day, values in sorted(per_day.items())]
    totals = rows.aggregate(
        drafted=Count("pk"),
        sent=Count("pk", filter=Q(state=State.SENT)),
        edited=Count("pk", filter=Q(state=State.SENT, edited=True)),
        cancelled=Count("pk", filter=Q(state=State.CANCELLED)),
        escalated=Count("pk", filter=Q(state=State.ESCALATED)),
    )
    return Figures(
        days=day_rows,
        median_auto_minutes=statistics.median(auto_times) if auto_times else None,
        median_people_minutes=statistics.median(people_times) if people_times else None,
        **totals,
    )


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    value: int
    kind: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[int, str]]
    peak: int


def chart(figures_: Figures, *, height: int = 160, slot: int = 36) -> Chart:
    """Two bars a day (sent by the autopilot, answered by people), drawn as server-side SVG."""
    peak = max([1, *(max(d.sent, d.by_people) for d in figures_.days)])
    bars: list[Bar] = []
    labels: list[tuple[int, str]] = []
    for index, day in enumerate(figures_.days):
        left = 30 + index * slot
        for offset, kind, value in ((0, "auto", day.sent), (14, "people", day.by_people)):
            bar_height = round(value / peak * (height - 30))
            bars.append(
                Bar(
                    x=left + offset,
                    y=height - 20 - bar_height,
                    height=bar_height,
                    value=value,
                    kind=kind,
                )
            )
        labels.append((left + 14, day.day.strftime("%d.%m")))
    return Chart(
        width=30 + slot * len(figures_.days), height=height, bars=bars, labels=labels, peak=peak
    )


# --- questions -------------------------------------------------------------------------------

SUGGESTION_CANDIDATES = 300
SUGGESTION_MIN_SCORE = 55.0


@dataclass(frozen=True)
class SuggestedAnswer:
    answer: str
    question: str
    similarity: float  # 0–100
    same_product: bool


def suggested_answers(*, question, limit: int = 3) -> list[SuggestedAnswer]:
    """The shop's earlier answers to questions like this one: same product first, then any
    product, each with how alike the questions are."""
    from rapidfuzz import fuzz, process

    from questions.models import Question, QuestionStatus
    from questions.selectors import normalise_question

    answered = (
        Question.objects.for_shop(question.shop_id)
        .filter(status=QuestionStatus.ANSWERED)
        .exclude(pk=question.pk)
        .exclude(answer_text="")
        .order_by("-answered_at")
        .values_list("text", "answer_text", "product_id")[:SUGGESTION_CANDIDATES]
    )
    rows = list(answered)
    if not rows:
        return []
    found = process.extract(
        normalise_question(question.text),
        [normalise_question(text) for text, _answer, _product in rows],
        scorer=fuzz.token_set_ratio,
        score_cutoff=SUGGESTION_MIN_SCORE,
        limit=None,
    )
    seen: set[str] = set()
    ranked: list[SuggestedAnswer] = []
    for _choice, score, index in found:
        text, answer, product_id = rows[index]
        if answer in seen:
            continue
        seen.add(answer)
        same = product_id is not None and product_id == question.product_id
        ranked.append(SuggestedAnswer(answer, text, round(score, 1), same))
    ranked.sort(key=lambda s: (not s.same_product, -s.similarity))
    return ranked[:limit]


def open_questions(*, shop: Shop, product_id: int | None = None, limit: int = 200):
    from questions.models import Question, QuestionStatus

    qs = (
        Question.objects.for_shop(shop)
        .filter(status=QuestionStatus.NEW)
        .select_related("product", "repeat_of")
        .order_by("product_id", "-created_at")
    )
    if product_id:
        qs = qs.filter(product_id=product_id)
    return list(qs[:limit])
