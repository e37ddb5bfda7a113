"""Writes of the reviews app. Views and tasks call these; nothing else changes the models."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import playbooks, situations
from reviews.models import (
    AnswerModeration,
    Case,
    CaseStatus,
    CaseStep,
    CompensationOffer,
    OfferStatus,
    Review,
    ReviewPhoto,
    ReviewSettings,
    ReviewStatus,
    Situation,
    SituationRule,
)
from sellerdesk.core.models import Product, ReplyLanguage, Role, Shop
from sellerdesk.marketplaces.models import OutboundKind
from sellerdesk.marketplaces.services import outbox_enqueue
from sellerdesk.notifications.models import EventKind as NotifyEvent
from sellerdesk.notifications.services import notify_on_commit
from sellerdesk.replycheck.services import reply_guard
from sellerdesk.sla.hooks import waiting_started, waiting_stopped

logger = logging.getLogger(__name__)

SLA_CHANNEL = "review"
REPLY_CHANNEL = "review_reply"
# Coupon limits a new shop starts with, by its language (the seed's "5–10 yuan" for Taobao).
DEFAULT_LIMITS = {
    ReplyLanguage.RU: (Decimal("100"), Decimal("500"), "RUB"),
    ReplyLanguage.ZH: (Decimal("5"), Decimal("10"), "CNY"),
    ReplyLanguage.EN: (Decimal("2"), Decimal("10"), "USD"),
}


# --- Settings and situation rules -------------------------------------------------------------


def review_settings_ensure(*, shop: Shop) -> ReviewSettings:
    coupon_min, coupon_max, currency = DEFAULT_LIMITS.get(
        shop.default_language, DEFAULT_LIMITS[ReplyLanguage.RU]
    )
    found, _created = ReviewSettings.objects.get_or_create(
        shop=shop,
        defaults={"coupon_min": coupon_min, "coupon_max": coupon_max, "currency": currency},
    )
    return found


@transaction.atomic
def review_settings_update(
    *, shop: Shop, coupon_min: Decimal, coupon_max: Decimal, currency: str
) -> ReviewSettings:
    settings = review_settings_ensure(shop=shop)
    settings.coupon_min = coupon_min
    settings.coupon_max = coupon_max
    settings.currency = currency.strip().upper()
    if coupon_min > coupon_max:
        raise ValidationError(
            {"coupon_max": _("The largest coupon cannot be smaller than the smallest one.")}
        )
    settings.full_clean()
    settings.save()
    return settings


def _rules_changed(shop: Shop) -> None:
    situations.SITUATION_RULES.changed(shop)


@transaction.atomic
def situation_rules_install_defaults(*, shop: Shop) -> list[SituationRule]:
    """The shipped rules, once: a shop that already has rules keeps them."""
    if SituationRule.objects.for_shop(shop).exists():
        return []
    created = []
    for position, item in enumerate(situations.default_rules()):
        rule = SituationRule(
            shop=shop,
            situation=item["situation"],
            phrases="\n".join(item["phrases"]),
            exclusions="\n".join(item.get("exclusions", [])),
            fuzzy=bool(item.get("fuzzy", True)),
            position=position,
        )
        rule.full_clean()
        rule.save()
        created.append(rule)
    review_settings_ensure(shop=shop)
    return created


@transaction.atomic
def situation_rule_create(*, shop: Shop, fields: dict[str, Any]) -> SituationRule:
    """Add a rule at the end. ``fields``: situation, phrases, exclusions, fuzzy, enabled."""
    return situations.SITUATION_RULES.create(shop=shop, fields=fields)


@transaction.atomic
def situation_rule_update(*, rule: SituationRule, fields: dict[str, Any]) -> SituationRule:
    return situations.SITUATION_RULES.update(rule=rule, fields=fields)


@transaction.atomic
def situation_rule_delete(*, rule: SituationRule) -> None:
    situations.SITUATION_RULES.delete(rule=rule)


@transaction.atomic
def situation_rule_move(*, rule: SituationRule, offset: int) -> None:
    """Up (offset -1) or down (+1); earlier rules win."""
    situations.SITUATION_RULES.move(rule=rule, offset=offset)


# --- Reviews ------------------------------------------------------------------------------------


def _classification(review: Review) -> situations.Classification:
    if not review.is_negative_or_mixed:
        return situations.Classification(situation=Situation.NONE)
    settings = review_settings_ensure(shop=review.shop)
    matcher = situations.matcher_for_shop(review.shop_id, settings.rules_version)
    return situations.classify_text(matcher, review.full_text)


@dataclass(frozen=True)
class NewPhoto:
    """A photo arriving with a review: file bytes (stored via default storage) or a URL."""

    name: str = ""
    content: bytes = b""
    url: str = ""


@transaction.atomic
def review_create(
    *,
    shop: Shop,
    rating: int,
    text: str = "",
    product: Product | None = None,
    buyer_name: str = "",
    pros: str = "",
    cons: str = "",
    created_at=None,
    external_id: str | None = None,
    photos: Iterable[NewPhoto] = (),
) -> Review:
    """A review arrived: classify it (negative and mixed ones), store photos, start the SLA clock.

    Every review waits for a public reply, so every one starts the clock (channel "review").
    """
    if product is not None and product.shop_id != shop.pk:
        raise ValidationError(_("The product belongs to another shop."))
    review = Review(
        shop=shop,
        product=product,
        rating=rating,
        text=text.strip(),
        pros=pros.strip(),
        cons=cons.strip(),
        buyer_name=buyer_name.strip(),
        created_at=created_at or timezone.now(),
        external_id=external_id or None,
    )
    review.full_clean()
    found = _classification(review)
    review.situation = found.situation
    review.situation_matched = found.matched
    review.save()
    count = 0
    for position, photo in enumerate(photos):
        item = ReviewPhoto(review=review, url=photo.url, position=position)
        if photo.content:
            item.image.save(
                photo.name or f"photo-{position + 1}.png", ContentFile(photo.content), save=False
            )
        item.full_clean()
        item.save()
        count += 1
    if count:
        Review.objects.filter(pk=review.pk).update(photo_count=count)
        review.photo_count = count
    waiting_started(
        shop=review.shop, channel=SLA_CHANNEL, item_id=review.pk, since=review.created_at
    )
    if review.rating <= LOW_RATING_NOTIFY:
        notify_on_commit(
            shop=shop,
            kind=NotifyEvent.REVIEW_LOW,
            key=f"review:{review.pk}:low",
            params={
                "rating": review.rating,
                "product": product.name if product else "",
                "excerpt": review.full_text[:160],
            },
            url=reverse("reviews:detail", kwargs={"review_id": review.pk}),
        )
    _autopilot_after_commit(review)
    return review


# Reviews at or below this rating reach the team outside the app (bell, e-mail, Telegram).
LOW_RATING_NOTIFY = 2


def _autopilot_after_commit(review: Review) -> None:
    """Every new review gets a draft (and, where the shop allows, an automatic reply)."""
    from autopilot import tasks as autopilot_tasks

    transaction.on_commit(partial(autopilot_tasks.review_arrived.delay, review.pk))


@transaction.atomic
def review_import_from_marketplace(*, shop: Shop, item) -> Review:
    """Inbound hook for synced feedbacks (``sellerdesk.marketplaces.inbound.IncomingFeedback``).

    Idempotent by the marketplace id. A new review takes the normal path (classification,
    SLA clock); one already answered on the marketplace's portal is stored as answered and
    never waits for anybody.
    """
    from sellerdesk.core.selectors import product_for_marketplace

    review = (
        Review.objects.for_shop(shop)
        .select_for_update()
        .filter(external_id=item.external_id)
        .first()
    )
    if review is None:
        product = product_for_marketplace(shop=shop, product=item.product)
        review = review_create(
            shop=shop,
            rating=item.rating,
            text=item.text,
            pros=item.pros,
            cons=item.cons,
            buyer_name=item.buyer_name,
            product=product,
            created_at=item.created_at,
            external_id=item.external_id,
            photos=[NewPhoto(url=url) for url in item.photo_urls],
        )
    moderation = item.answer_moderation
    if moderation == AnswerModeration.REJECTED:
        return _reply_rejected(review, rejected_text=item.answer_text or "")
    if item.answer_text and review.answered_at is None:
        review = _lock(review.pk)
        now = timezone.now()
        review.answer_text = item.answer_text
        review.answered_at = now
        review.answer_moderation = moderation
        review.status = _status_after(review)
        review.save(update_fields=["answer_text", "answered_at", "answer_moderation", "status"])
        waiting_stopped(shop=review.shop, channel=SLA_CHANNEL, item_id=review.pk, at=now)
    elif (
        item.answer_text
        and item.answer_text == review.answer_text
        and moderation != review.answer_moderation
    ):
        # Our reply's moderation moved on (held → published).
        Review.objects.filter(pk=review.pk).update(answer_moderation=moderation)
        review.answer_moderation = moderation
    return review


def _reply_rejected(review: Review, *, rejected_text: str) -> Review:
    """The marketplace's moderators refused the reply: buyers see none, so the review is
    unanswered again and the seller may write a new reply. A refusal of an older text (the
    seller has replied anew since) changes nothing."""
    if review.answer_moderation == AnswerModeration.REJECTED or (
        review.answered_at is not None and review.answer_text != rejected_text
    ):
        return review
    review = _lock(review.pk)
    now = timezone.now()
    review.answer_text = rejected_text or review.answer_text
    review.answered_at = None
    review.answer_moderation = AnswerModeration.REJECTED
    review.status = _status_after(review)
    review.save(update_fields=["answer_text", "answered_at", "answer_moderation", "status"])
    waiting_started(shop=review.shop, channel=SLA_CHANNEL, item_id=review.pk, since=now)
    return review


def review_reclassify(*, review: Review) -> Review:
    """Classify again (rules changed); reviews with a case keep the case's situation."""
    if hasattr(review, "case"):
        return review
    found = _classification(review)
    if (found.situation, found.matched) != (review.situation, review.situation_matched):
        Review.objects.filter(pk=review.pk).update(
            situation=found.situation, situation_matched=found.matched
        )
        review.situation, review.situation_matched = found.situation, found.matched
    return review


def reviews_reclassify(*, shop_id: int, batch: int = 2000) -> int:
    """Classify the shop's unanswered unhappy reviews without a case again; returns how many changed."""
    shop = Shop.objects.get(pk=shop_id)
    settings = review_settings_ensure(shop=shop)
    matcher = situations.matcher_for_shop(shop.pk, settings.rules_version)
    changed = 0
    queryset = (
        Review.objects.for_shop(shop)
        .filter(status=ReviewStatus.UNANSWERED, rating__lte=3, case__isnull=True)
        .only("pk", "text", "pros", "cons", "rating", "situation", "situation_matched")
        .order_by("pk")
    )
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:batch])
        if not rows:
            return changed
        for review in rows:
            found = situations.classify_text(matcher, review.full_text)
            if (found.situation, found.matched) != (review.situation, review.situation_matched):
                Review.objects.filter(pk=review.pk).update(
                    situation=found.situation, situation_matched=found.matched
                )
                changed += 1
        last = rows[-1].pk


def _lock(review_id: int) -> Review:
    return Review.objects.select_for_update(of=("self",)).select_related("shop").get(pk=review_id)


def _status_after(review: Review) -> str:
    case = Case.objects.filter(review_id=review.pk).only("status").first()
    if case is not None and case.status == CaseStatus.OPEN:
        return ReviewStatus.IN_RESOLUTION
    return ReviewStatus.ANSWERED if review.answered_at else ReviewStatus.UNANSWERED


@transaction.atomic
def review_answer(
    *, review: Review, text: str, user: AbstractBaseUser, warnings_confirmed: bool = False
) -> Review:
    """Publish the shop's reply. The policy check guards it: no contacts, no rating requests.

    The reply is stored and handed to the outbox in one transaction; the outbox delivers it.
    """
    text = text.strip()
    reply_guard(
        shop=review.shop,
        text=text,
        channel=REPLY_CHANNEL,
        buyer_name=review.buyer_name or None,
        warnings_confirmed=warnings_confirmed,
        item_ref=f"review:{review.pk}",
        actor_id=user.pk,
        item_id=review.pk,
    )
    review = _lock(review.pk)
    if review.answered_at is not None:
        raise ValidationError(_("This review has already been answered."), code="answered")
    now = timezone.now()
    review.answer_text = text
    review.answered_by = user  # type: ignore[assignment]
    review.answered_at = now
    review.answer_moderation = AnswerModeration.NONE
    review.status = _status_after(review)
    review.outbound = outbox_enqueue(
        shop=review.shop,
        kind=OutboundKind.FEEDBACK_ANSWER,
        target_ref=review.external_id or "",
        payload={"text": text},
        idempotency_key=f"review:{review.pk}:{uuid.uuid4().hex}",
        created_by_id=user.pk,
    )
    review.full_clean()
    review.save()
    step = CaseStep.objects.filter(
        case__review_id=review.pk, key="reply_publicly", done_at__isnull=True
    ).first()
    if step is not None:
        _step_done(step, user=user, note="")
    waiting_stopped(
        shop=review.shop, channel=SLA_CHANNEL, item_id=review.pk, at=now, by_user_id=user.pk
    )
    return review


# --- Cases ------------------------------------------------------------------------------------------


@transaction.atomic
def case_open(*, review: Review, user: AbstractBaseUser) -> Case:
    """Start working through the playbook of the review's situation (one case per review)."""
    review = _lock(review.pk)
    existing = Case.objects.filter(review=review).first()
    if existing is not None:
        return existing
    if not review.is_negative_or_mixed:
        raise ValidationError(_("Only negative and mixed reviews get a case."), code="positive")
    situation = review.situation or Situation.OTHER
    case = Case(
        shop=review.shop,
        review=review,
        situation=situation,
        opened_by=user,
        opened_at=timezone.now(),
    )
    case.full_clean()
    case.save()
    CaseStep.objects.bulk_create(
        [
            CaseStep(case=case, key=key, position=position)
            for position, key in enumerate(playbooks.step_keys(situation))
        ]
    )
    if review.answered_at is not None:
        CaseStep.objects.filter(case=case, key="reply_publicly").update(
            done_at=review.answered_at, done_by=review.answered_by
        )
    review.status = ReviewStatus.IN_RESOLUTION
    review.save(update_fields=["status"])
    return case


def _lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update().select_related("review", "shop").get(pk=case_id)


def _ensure_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("The case is already resolved."), code="resolved")


def _step_done(step: CaseStep, *, user: AbstractBaseUser, note: str) -> CaseStep:
    step.done_at = timezone.now()
    step.done_by = user  # type: ignore[assignment]
    step.note = note.strip()[:300]
    step.full_clean()
    step.save(update_fields=["done_at", "done_by", "note"])
    return step


@transaction.atomic
def case_step_complete(*, case: Case, key: str, user: AbstractBaseUser, note: str = "") -> CaseStep:
    """Tick a playbook step; a step done stays done (the record says who did it and when)."""
    case = _lock_case(case.pk)
    _ensure_open(case)
    step = CaseStep.objects.filter(case=case, key=key).first()
    if step is None:
        raise ValidationError(
            _("This step is not part of the case's playbook."), code="unknown_step"
        )
    if step.is_done:
        return step
    return _step_done(step, user=user, note=note)


@transaction.atomic
def compensation_offer(
    *, case: Case, amount: Decimal, user: AbstractBaseUser, role: Role, note: str = ""
) -> CompensationOffer:
    """Offer a coupon. Within the shop's limits it is offered at once; above the limit a seller's
    offer waits for a manager (a manager's own offer counts as approved)."""
    case = _lock_case(case.pk)
    _ensure_open(case)
    settings = review_settings_ensure(shop=case.shop)
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if amount < settings.coupon_min:
        raise ValidationError(
            {
                "amount": _("The smallest coupon is %(min)s %(currency)s.")
                % {"min": settings.coupon_min, "currency": settings.currency}
            }
        )
    if CompensationOffer.objects.filter(case=case, status=OfferStatus.NEEDS_APPROVAL).exists():
        raise ValidationError(_("An offer is already waiting for approval."), code="pending")
    now = timezone.now()
    offer = CompensationOffer(
        case=case,
        amount=amount,
        currency=settings.currency,
        note=note.strip()[:300],
        requested_by=user,
        requested_at=now,
    )
    if amount <= settings.coupon_max:
        offer.status = OfferStatus.PROPOSED
    elif Role(role).includes(Role.MANAGER):
        offer.status = OfferStatus.APPROVED
        offer.approved_by = user  # type: ignore[assignment]
        offer.decided_at = now
    else:
        offer.status = OfferStatus.NEEDS_APPROVAL
    offer.full_clean()
    offer.save()
    if offer.status != OfferStatus.NEEDS_APPROVAL:
        _coupon_step_done(case, offer, user)
    return offer


def _coupon_step_done(case: Case, offer: CompensationOffer, user: AbstractBaseUser) -> None:
    step = CaseStep.objects.filter(
        case=case, key=playbooks.COUPON_STEP, done_at__isnull=True
    ).first()
    if step is not None:
        _step_done(step, user=user, note=f"{offer.amount.normalize():f} {offer.currency}")


@transaction.atomic
def compensation_decide(
    *, offer: CompensationOffer, approve: bool, user: AbstractBaseUser
) -> CompensationOffer:
    """A manager approves or rejects an offer above the limit (the view checks the role)."""
    offer = CompensationOffer.objects.select_for_update().select_related("case").get(pk=offer.pk)
    if offer.status != OfferStatus.NEEDS_APPROVAL:
        raise ValidationError(_("This offer is not waiting for approval."), code="decided")
    _ensure_open(offer.case)
    offer.status = OfferStatus.APPROVED if approve else OfferStatus.REJECTED
    offer.approved_by = user  # type: ignore[assignment]
    offer.decided_at = timezone.now()
    offer.full_clean()
    offer.save()
    if approve:
        _coupon_step_done(offer.case, offer, user)
    return offer


@transaction.atomic
def case_resolve(*, case: Case, user: AbstractBaseUser, note: str = "") -> Case:
    """The buyer's problem is solved: close the case (not while an offer waits for a manager)."""
    case = _lock_case(case.pk)
    _ensure_open(case)
    if CompensationOffer.objects.filter(case=case, status=OfferStatus.NEEDS_APPROVAL).exists():
        raise ValidationError(_("An offer still waits for a manager's approval."), code="pending")
    case.status = CaseStatus.RESOLVED
    case.resolved_by = user  # type: ignore[assignment]
    case.resolved_at = timezone.now()
    case.resolution_note = note.strip()
    case.full_clean()
    case.save()
    review = _lock(case.review_id)
    review.status = ReviewStatus.ANSWERED if review.answered_at else ReviewStatus.UNANSWERED
    review.save(update_fields=["status"])
    return case
