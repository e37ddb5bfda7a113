"""Reads of the reviews app: the list, counts, the detail page's playbook and case history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from reviews import playbooks
from reviews.models import (
    Case,
    CaseStep,
    CompensationOffer,
    OfferStatus,
    Review,
    ReviewPhoto,
    ReviewSettings,
    ReviewStatus,
    SituationRule,
)
from sellerdesk.core.models import Product, ReplyLanguage, Shop
from sellerdesk.core.pagination import KeysetPage, keyset_filter_before, keyset_page
from sellerdesk.core.phrase_rules import DryRunResult, dry_run_compare
from sellerdesk.core.search import text_search

if TYPE_CHECKING:
    from templates_lib.models import ReplyTemplate

PAGE_SIZE = 25
RATING_GROUPS = {"negative": (1, 2), "mixed": (3, 3), "positive": (4, 5)}


def review_settings_get(*, shop: Shop) -> ReviewSettings:
    """The shop's settings; an unsaved default object when none were stored yet."""
    from reviews.services import DEFAULT_LIMITS

    found = ReviewSettings.objects.filter(shop=shop).first()
    if found is not None:
        return found
    coupon_min, coupon_max, currency = DEFAULT_LIMITS.get(
        ReplyLanguage(shop.default_language)
        if shop.default_language in ReplyLanguage.values
        else ReplyLanguage.RU,
        next(iter(DEFAULT_LIMITS.values())),
    )
    return ReviewSettings(
        shop=shop, coupon_min=coupon_min, coupon_max=coupon_max, currency=currency
    )


# --- The list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFilters:
    status: str = ReviewStatus.UNANSWERED
    search: str = ""
    product_id: int | None = None
    rating: int | None = None  # exact stars
    rating_group: str = ""  # negative / mixed / positive


def _search(queryset: QuerySet[Review], text: str) -> QuerySet[Review]:
    """Reviews whose text or buyer contains ``text``, or (PostgreSQL) whose words match its word forms."""
    text = text.strip()
    if not text:
        return queryset
    return text_search(queryset, text, also=Q(buyer_name__icontains=text))


def _filtered(shop: Shop, filters: ReviewFilters) -> QuerySet[Review]:
    queryset = Review.objects.for_shop(shop)
    if filters.product_id:
        queryset = queryset.filter(product_id=filters.product_id)
    if filters.rating:
        queryset = queryset.filter(rating=filters.rating)
    elif filters.rating_group in RATING_GROUPS:
        low, high = RATING_GROUPS[filters.rating_group]
        queryset = queryset.filter(rating__gte=low, rating__lte=high)
    return _search(queryset, filters.search)


def review_tab_counts(*, shop: Shop, filters: ReviewFilters) -> dict[str, int]:
    """How many reviews each tab holds under the same filters (one query)."""
    # GROUP BY status: PostgreSQL answers it from the (shop, status, …) index alone.
    counts = dict.fromkeys(ReviewStatus.values, 0)
    rows = _filtered(shop, filters).order_by().values_list("status").annotate(count=Count("pk"))
    for status, count in rows:
        counts[status] = count
    return counts


def review_unanswered_count(*, shop: Shop) -> int:
    return Review.objects.for_shop(shop).filter(status=ReviewStatus.UNANSWERED).count()


def review_page(
    *, shop: Shop, filters: ReviewFilters, cursor: str = "", size: int = PAGE_SIZE
) -> KeysetPage[Review]:
    """One page of a tab, newest first, by keyset (page 4,000 costs what page 1 does)."""
    queryset = _filtered(shop, filters).filter(status=filters.status)
    queryset = keyset_filter_before(queryset, cursor)
    newest_first: tuple[str | OrderBy, ...] = ("-created_at", "-id")
    if filters.search:
        # Not an order the date index delivers: the text indexes find the matches, then a
        # top-N sort (walking the date index for a rare word would test every row).
        newest_first = (Coalesce("created_at", "created_at").desc(), "-id")
    rows = list(
        queryset.select_related("product")
        .prefetch_related(
            Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id"))
        )
        .defer("answer_text", "pros", "cons")
        .order_by(*newest_first)[: size + 1]
    )
    return keyset_page(rows, size=size)


def product_choices(*, shop: Shop) -> list[Product]:
    return list(Product.objects.for_shop(shop).only("pk", "sku", "name").order_by("sku"))


# --- The detail page -------------------------------------------------------------------------------


def review_detail_queryset() -> QuerySet[Review]:
    return Review.objects.select_related(
        "shop", "product", "answered_by", "outbound"
    ).prefetch_related(Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id")))


def case_for_review(*, review: Review) -> Case | None:
    return (
        Case.objects.filter(review_id=review.pk)
        .select_related("opened_by", "resolved_by")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=CaseStep.objects.select_related("done_by").order_by("position", "id"),
            ),
            Prefetch(
                "offers",
                queryset=CompensationOffer.objects.select_related(
                    "requested_by", "approved_by"
                ).order_by("requested_at", "id"),
            ),
        )
        .first()
    )


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    step: CaseStep | None  # None before a case is opened


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    what: str


def _person(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "—"
    return user.get_short_name() or user.get_username()  # type: ignore[attr-defined]


def checklist(*, situation: str, case: Case | None, lang: str) -> list[ChecklistItem]:
    steps = {step.key: step for step in case.steps.all()} if case is not None else {}
    keys = (
        [step.key for step in case.steps.all()]
        if case is not None
        else list(playbooks.step_keys(situation))
    )
    return [
        ChecklistItem(key=key, label=playbooks.step_label(key, lang), step=steps.get(key))
        for key in keys
    ]


def case_history(*, case: Case, lang: str) -> list[HistoryEntry]:
    """Who did what and when, oldest first: opening, steps, offers, resolution."""
    entries = [HistoryEntry(case.opened_at, _person(case.opened_by), _("opened the case"))]
    for step in case.steps.all():
        if step.done_at is not None:
            what = _("done: %(step)s") % {"step": playbooks.step_label(step.key, lang)}
            if step.note:
                what += f" ({step.note})"
            entries.append(HistoryEntry(step.done_at, _person(step.done_by), what))
    for offer in case.offers.all():
        amount = f"{offer.amount.normalize():f} {offer.currency}"
        needed_approval = offer.status in (OfferStatus.NEEDS_APPROVAL, OfferStatus.REJECTED) or (
            offer.status == OfferStatus.APPROVED and offer.approved_by_id != offer.requested_by_id
        )
        if needed_approval:
            entries.append(
                HistoryEntry(
                    offer.requested_at,
                    _person(offer.requested_by),
                    _("asked to approve a coupon of %(amount)s") % {"amount": amount},
                )
            )
        else:
            entries.append(
                HistoryEntry(
                    offer.requested_at,
                    _person(offer.requested_by),
                    _("offered a coupon of %(amount)s") % {"amount": amount},
                )
            )
        if offer.decided_at is not None and offer.approved_by_id != offer.requested_by_id:
            verb = (
                _("approved a coupon of %(amount)s")
                if offer.status == OfferStatus.APPROVED
                else _("rejected a coupon of %(amount)s")
            )
            entries.append(
                HistoryEntry(
                    offer.decided_at, _person(offer.approved_by), verb % {"amount": amount}
                )
            )
    if case.resolved_at is not None:
        entries.append(
            HistoryEntry(case.resolved_at, _person(case.resolved_by), _("resolved the case"))
        )
    return sorted(entries, key=lambda entry: entry.at)


def suggested_template(*, shop: Shop, situation: str, rating: int) -> ReplyTemplate | None:
    """The shop's copy of the shipped template the playbook suggests, in the shop's language."""
    from templates_lib.selectors import shipped_template_for

    if situation:
        entry = playbooks.playbook_for(situation, "en")
        key = entry.template_key if entry else ""
    else:
        key = playbooks.positive_template_key() if rating >= 4 else ""
    if not key:
        return None
    return shipped_template_for(shop=shop, key=key, language=shop.default_language or "ru")


def suggested_text(
    *, template: ReplyTemplate, shop: Shop, user: AbstractBaseUser, values: Mapping[str, object]
) -> str:
    """The template as the seller would insert it: known values filled, the rest left as {{ name }}."""
    from templates_lib import rendering
    from templates_lib.services import template_context

    context = template_context(shop=shop, user=user, values=dict(values))
    try:
        return rendering.render(
            template.body, context, rotation=0, salt=str(template.pk), mode="placeholder"
        )
    except (rendering.TemplateBodyError, rendering.RenderError):
        return template.body


def situation_rules(*, shop: Shop) -> list[SituationRule]:
    return list(SituationRule.objects.for_shop(shop).order_by("position", "id"))


def pending_offers(*, shop: Shop) -> list[CompensationOffer]:
    """Offers above the limit waiting for a manager, oldest first."""
    return list(
        CompensationOffer.objects.for_shop(shop)
        .filter(status=OfferStatus.NEEDS_APPROVAL)
        .select_related("case__review", "requested_by")
        .order_by("requested_at", "id")
    )


DRY_RUN_SIZE = 200


def situation_rules_dry_run(
    *, shop: Shop, edited: list[SituationRule], sample_size: int = DRY_RUN_SIZE
) -> DryRunResult:
    """What the edited rule list would make of the shop's latest unhappy reviews, against the
    saved rules: which reviews get a situation now, which lose theirs, which change it."""
    from reviews.models import NEGATIVE_MAX_RATING
    from reviews.situations import SITUATION_RULES, compile_rules, outcome

    saved = SITUATION_RULES.compiled(shop)
    candidate = compile_rules(edited)
    sample = [
        (review.pk, review.full_text)
        for review in Review.objects.for_shop(shop)
        .filter(rating__lte=NEGATIVE_MAX_RATING)
        .only("pk", "text", "pros", "cons")
        .order_by("-created_at", "-id")[:sample_size]
    ]
    return dry_run_compare(
        sample,
        saved=lambda text: outcome(saved, text),
        edited=lambda text: outcome(candidate, text),
    )
