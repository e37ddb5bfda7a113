"""Reads of the questions app: lists, counts, suggestions, rules and dry runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce

from questions.models import (
    AutoDecision,
    DeclineKind,
    DeclineRule,
    Question,
    QuestionSettings,
    QuestionStatus,
)
from questions.ruleset import ruleset_for_shop
from sellerdesk.core.models import Product, Shop
from sellerdesk.core.pagination import KeysetPage, keyset_filter_before, keyset_page
from sellerdesk.core.phrase_rules import DryRunResult, DryRunRow
from sellerdesk.core.search import text_search

if TYPE_CHECKING:
    from sellerdesk.policy.rules import RuleSet

PAGE_SIZE = 25
REPEAT_CANDIDATES = 500


# --- Settings ---------------------------------------------------------------------------------


def question_settings_get(*, shop: Shop) -> QuestionSettings:
    """The shop's settings; an unsaved default object when none were stored yet."""
    found = QuestionSettings.objects.filter(shop=shop).first()
    return found or QuestionSettings(shop=shop)


# --- Lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFilters:
    status: str = QuestionStatus.NEW
    search: str = ""
    product_id: int | None = None
    decline_kind: str = ""
    repeats_only: bool = False
    # New tab only: waiting questions ordered by their SLA due time, most urgent first.
    due_soon: bool = False


def _search(queryset: QuerySet[Question], shop: Shop, text: str) -> QuerySet[Question]:
    """Questions whose text contains ``text`` (words or a fragment) or whose product SKU does."""
    text = text.strip()
    if not text:
        return queryset
    # Resolved first (a shop has few products) so every branch of the OR below can use
    # its own index and PostgreSQL combines them in one bitmap scan.
    sku_products = list(
        Product.objects.for_shop(shop)
        .filter(sku__icontains=text)
        .values_list("pk", flat=True)[:500]
    )
    return text_search(
        queryset, text, also=Q(product_id__in=sku_products) if sku_products else None
    )


def _filtered(shop: Shop, filters: QuestionFilters) -> QuerySet[Question]:
    queryset = Question.objects.for_shop(shop)
    if filters.product_id:
        queryset = queryset.filter(product_id=filters.product_id)
    if filters.repeats_only:
        queryset = queryset.filter(repeat_of__isnull=False)
    return _search(queryset, shop, filters.search)


def question_tab_counts(*, shop: Shop, filters: QuestionFilters) -> dict[str, int]:
    """How many questions each tab holds under the same search and filters (one query)."""
    counts = _filtered(shop, filters).aggregate(
        new=Count("pk", filter=Q(status=QuestionStatus.NEW)),
        answered=Count("pk", filter=Q(status=QuestionStatus.ANSWERED)),
        declined=Count("pk", filter=Q(status=QuestionStatus.DECLINED)),
        declined_auto=Count(
            "pk", filter=Q(status=QuestionStatus.DECLINED, decline_kind=DeclineKind.AUTO)
        ),
    )
    return {key: value or 0 for key, value in counts.items()}


def question_new_count(*, shop: Shop) -> int:
    return Question.objects.for_shop(shop).filter(status=QuestionStatus.NEW).count()


def _question_page_due(
    *, shop: Shop, filters: QuestionFilters, cursor: str, size: int
) -> KeysetPage[Question]:
    """New questions by open SLA due time: a keyset page over the shop's clocks (filters applied
    inside that query), then the page's questions in one query."""
    from sellerdesk.sla.selectors import open_clock_page

    due = open_clock_page(
        shop=shop,
        channel="question",
        items=_filtered(shop, filters).filter(status=QuestionStatus.NEW),
        cursor=cursor,
        limit=size,
    )
    by_pk = (
        Question.objects.for_shop(shop)
        .select_related("product")
        .defer("answer_text")
        .in_bulk(due.item_ids)
    )
    items = [by_pk[pk] for pk in due.item_ids if pk in by_pk]
    return KeysetPage(items=items, next_cursor=due.next_cursor, sla_map=due.sla_map)


def question_page(
    *, shop: Shop, filters: QuestionFilters, cursor: str = "", size: int = PAGE_SIZE
) -> KeysetPage[Question]:
    """One page of a tab, newest first, by keyset (no OFFSET: page 4,000 costs what page 1 does)."""
    if filters.due_soon and filters.status == QuestionStatus.NEW:
        return _question_page_due(shop=shop, filters=filters, cursor=cursor, size=size)
    queryset = _filtered(shop, filters).filter(status=filters.status)
    if filters.status == QuestionStatus.DECLINED and filters.decline_kind:
        queryset = queryset.filter(decline_kind=filters.decline_kind)
    queryset = keyset_filter_before(queryset, cursor)
    newest_first: tuple[str | OrderBy, ...] = ("-created_at", "-id")
    if filters.search:
        # Same order, but not one the date index can deliver: otherwise PostgreSQL walks
        # that index and tests every row until a page is full — seconds for a word no
        # question contains. This way the text indexes find the matches, then a top-N sort.
        newest_first = (Coalesce("created_at", "created_at").desc(), "-id")
    rows = list(
        queryset.select_related("product").defer("answer_text").order_by(*newest_first)[: size + 1]
    )
    return keyset_page(rows, size=size)


def product_choices(*, shop: Shop) -> list[Product]:
    return list(Product.objects.for_shop(shop).only("pk", "sku", "name").order_by("sku"))


def question_detail_queryset() -> QuerySet[Question]:
    return Question.objects.select_related(
        "shop", "product", "answered_by", "repeat_of", "outbound"
    )


# --- Already asked ---------------------------------------------------------------------------


def normalise_question(text: str) -> str:
    """Case, punctuation, ё and full-width forms ignored; words joined by single spaces."""
    from sellerdesk.policy.text import fold, tokenize

    return " ".join(token.text for token in tokenize(fold(text)))


@dataclass(frozen=True)
class AlreadyAsked:
    question: Question
    score: float


def already_asked(*, question: Question, threshold: int) -> AlreadyAsked | None:
    """The closest earlier answered question about the same product, if alike enough."""
    if question.product_id is None:
        return None
    from rapidfuzz import fuzz, process

    candidates = list(
        Question.objects.for_shop(question.shop_id)
        .filter(product_id=question.product_id, status=QuestionStatus.ANSWERED)
        .exclude(pk=question.pk)
        .exclude(answer_text="")
        .only("pk", "text", "answer_text", "answered_at", "created_at")
        .order_by("-created_at")[:REPEAT_CANDIDATES]
    )
    if not candidates:
        return None
    choices = [normalise_question(candidate.text) for candidate in candidates]
    best = process.extractOne(
        normalise_question(question.text), choices, scorer=fuzz.ratio, score_cutoff=threshold
    )
    if best is None:
        return None
    _choice, score, index = best
    return AlreadyAsked(question=candidates[index], score=round(score, 1))


# --- Rules -----------------------------------------------------------------------------------


def decline_rules(*, shop: Shop) -> list[DeclineRule]:
    return list(DeclineRule.objects.for_shop(shop).order_by("position", "id"))


def shop_ruleset(*, shop: Shop) -> RuleSet:
    """The compiled saved rules of ``shop`` (cached per process by rules version)."""
    settings = question_settings_get(shop=shop)
    return ruleset_for_shop(shop, settings.rules_version)


def autodecision_list(*, shop: Shop, limit: int = 100) -> list[AutoDecision]:
    return list(
        AutoDecision.objects.for_shop(shop)
        .select_related("question__outbound", "undone_by", "withdrawal_outbound")
        .order_by("-decided_at", "-id")[:limit]
    )


def _dry_row(entry: Any) -> DryRunRow:
    decision = entry.decision
    return DryRunRow(
        item_id=entry.id,
        text=entry.text,
        label=decision.rule,
        matched=decision.matched,
        start=decision.start,
        end=decision.end,
        previous_label=entry.previous.rule if entry.previous is not None else "",
    )


def rules_dry_run(
    *, shop: Shop, edited_data: dict[str, Any], sample_size: int | None = None
) -> DryRunResult:
    """What the edited rule set would do to the shop's latest questions, against the saved one.

    Raises ``RulesFileError`` when ``edited_data`` is not a valid rule set.
    """
    from sellerdesk.policy.rules import diff_rulesets, load_rules

    settings = question_settings_get(shop=shop)
    edited = load_rules(edited_data)
    saved = ruleset_for_shop(shop, settings.rules_version)
    sample = list(
        Question.objects.for_shop(shop)
        .order_by("-created_at", "-id")
        .values_list("pk", "text")[: sample_size or settings.dry_run_size]
    )
    diff = diff_rulesets(saved, edited, sample)
    return DryRunResult(
        sample_size=diff.checked,
        matched=[_dry_row(entry) for entry in diff.declined],
        newly_matched=[_dry_row(entry) for entry in diff.newly_declined],
        no_longer_matched=[_dry_row(entry) for entry in diff.stopped],
        changed=[_dry_row(entry) for entry in diff.changed_rule],
    )
