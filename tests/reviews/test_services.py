"""Reviews: classification on arrival, the guarded reply, cases, compensation limits, SLA."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reviews import services
from reviews.models import (
    Case,
    CaseStatus,
    CompensationOffer,
    OfferStatus,
    Review,
    ReviewStatus,
    Situation,
    SituationRule,
)
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.models import OutboundState
from sellerdesk.replycheck.services import ReplyBlocked
from tests.reviews.conftest import GOOD_REPLY, RATING_REQUEST, write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rating", "text", "situation"),
    [
        (1, "Чайник пришёл разбитым, коробка помята.", Situation.DAMAGED_IN_TRANSIT),
        (1, "收到时外包装破了，衣服被压坏。", Situation.DAMAGED_IN_TRANSIT),
        (1, "Мошенники, никогда больше не куплю!", Situation.HOSTILE),
        (1, "骗子店，再也不买了", Situation.HOSTILE),
        (2, "Плед маломерит, не соответствует описанию.", Situation.WRONG_SIZE),
        (2, "牛仔裤偏小，跟描述不符", Situation.WRONG_SIZE),
        (3, "Долгая доставка, ждали три недели.", Situation.DELIVERY_DELAY),
        (3, "发货慢，等了十天", Situation.DELIVERY_DELAY),
        (2, "Щётка перестала работать через неделю, брак.", Situation.DEFECT),
        (2, "Щётка перестала работать через неделю, бракованая.", Situation.DEFECT),  # typo
        (2, "洗了一次就掉色，质量问题", Situation.DEFECT),
        (2, "Ожидал большего.", Situation.OTHER),
        (5, "Чайник пришёл разбитым, но магазин всё заменил — спасибо!", Situation.NONE),
    ],
)
def test_unhappy_reviews_are_classified_on_arrival(shop, rating, text, situation):
    review = write(shop, rating, text)
    assert review.situation == situation
    if situation not in (Situation.OTHER, Situation.NONE):
        assert review.situation_matched


def test_manager_rules_change_the_classification_of_waiting_reviews(
    shop, django_capture_on_commit_callbacks
):
    review = write(shop, 2, "Краска облупилась на ручке.")
    assert review.situation == Situation.OTHER
    with django_capture_on_commit_callbacks(execute=True):
        services.situation_rule_create(
            shop=shop,
            fields={
                "situation": Situation.DEFECT,
                "phrases": "облупиться",
                "fuzzy": True,
                "enabled": True,
            },
        )
    review.refresh_from_db()
    assert review.situation == Situation.DEFECT
    assert review.situation_matched == "облупилась"


def test_exclusions_cancel_a_rule(shop):
    rule = SituationRule.objects.for_shop(shop).get(situation=Situation.DAMAGED_IN_TRANSIT)
    services.situation_rule_update(
        rule=rule,
        fields={
            "situation": rule.situation,
            "phrases": rule.phrases,
            "exclusions": "упаковка целая",
            "fuzzy": True,
        },
    )
    review = write(shop, 2, "Упаковка целая, а стекло разбитое.")
    assert review.situation != Situation.DAMAGED_IN_TRANSIT


def test_every_review_starts_the_sla_clock_and_the_reply_stops_it(
    shop, seller, django_capture_on_commit_callbacks
):
    from sellerdesk.sla.models import SlaClock

    review = write(shop, 5, "Отличный чайник!")
    clock = SlaClock.objects.get(channel="review", item_id=review.pk)
    assert clock.period_started_at == review.created_at
    with django_capture_on_commit_callbacks(execute=True):
        services.review_answer(review=review, text=GOOD_REPLY, user=seller)
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANSWERED
    assert review.outbound.state == OutboundState.SENT
    clock.refresh_from_db()
    assert clock.answered_at == review.answered_at


def test_a_reply_asking_to_change_the_rating_is_refused(shop, seller):
    review = write(shop, 1, "Чайник пришёл разбитым.")
    with pytest.raises(ReplyBlocked) as refused:
        services.review_answer(
            review=review, text=RATING_REQUEST, user=seller, warnings_confirmed=True
        )
    assert "rating_manipulation" in refused.value.report.codes()
    review.refresh_from_db()
    assert review.answered_at is None and review.status == ReviewStatus.UNANSWERED


def test_a_reply_with_contacts_is_refused(shop, seller):
    review = write(shop, 2, "Брак.")
    with pytest.raises(ReplyBlocked) as refused:
        services.review_answer(
            review=review,
            text="Здравствуйте, Анна! Спасибо за отзыв. Позвоните нам: +7 912 345-67-89. Хорошего дня!",
            user=seller,
            warnings_confirmed=True,
        )
    assert "contact_outside_chat" in refused.value.report.codes()


def test_case_follows_the_playbook_until_resolved(shop, seller):
    review = write(shop, 1, "Посылка пришла, коробка помята, чайник разбитый.")
    case = services.case_open(review=review, user=seller)
    assert [step.key for step in case.steps.order_by("position")] == [
        "contact_buyer",
        "apologise",
        "ask_packaging_photos",
        "help_courier_claim",
        "offer_coupon",
        "reply_publicly",
    ]
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_RESOLUTION
    for key in ("contact_buyer", "apologise", "ask_packaging_photos", "help_courier_claim"):
        services.case_step_complete(case=case, key=key, user=seller)
    offer = services.compensation_offer(
        case=case, amount=Decimal("300"), user=seller, role=Role.SELLER
    )
    assert offer.status == OfferStatus.PROPOSED
    coupon = case.steps.get(key="offer_coupon")
    assert coupon.done_by == seller and coupon.note == "300 RUB"
    services.review_answer(review=review, text=GOOD_REPLY, user=seller)
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_RESOLUTION  # answered, but the case is still open
    assert case.steps.get(key="reply_publicly").done_at is not None
    services.case_resolve(case=case, user=seller, note="Компенсация от службы доставки")
    case.refresh_from_db()
    review.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.resolved_by == seller
    assert review.status == ReviewStatus.ANSWERED
    with pytest.raises(ValidationError):
        services.case_step_complete(case=case, key="apologise", user=seller)


def test_offer_above_the_limit_waits_for_a_manager(shop, seller, manager):
    case = services.case_open(review=write(shop, 1, "Брак, не работает."), user=seller)
    offer = services.compensation_offer(
        case=case, amount=Decimal("900"), user=seller, role=Role.SELLER
    )
    assert offer.status == OfferStatus.NEEDS_APPROVAL
    assert case.steps.get(key="offer_coupon").done_at is None
    with pytest.raises(ValidationError):
        services.case_resolve(case=case, user=seller)
    services.compensation_decide(offer=offer, approve=True, user=manager)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED and offer.approved_by == manager
    assert case.steps.get(key="offer_coupon").done_by == manager


def test_a_managers_own_large_offer_is_approved_and_small_ones_refused(shop, manager):
    case = services.case_open(review=write(shop, 1, "Брак."), user=manager)
    with pytest.raises(ValidationError):
        services.compensation_offer(
            case=case, amount=Decimal("10"), user=manager, role=Role.MANAGER
        )
    offer = services.compensation_offer(
        case=case, amount=Decimal("800"), user=manager, role=Role.MANAGER
    )
    assert offer.status == OfferStatus.APPROVED


def test_limits_are_per_shop_settings(shop, shops, seller):
    services.review_settings_update(
        shop=shop, coupon_min=Decimal("50"), coupon_max=Decimal("1000"), currency="rub"
    )
    case = services.case_open(review=write(shop, 1, "Брак."), user=seller)
    assert (
        services.compensation_offer(
            case=case, amount=Decimal("900"), user=seller, role=Role.SELLER
        ).status
        == OfferStatus.PROPOSED
    )
    assert services.review_settings_ensure(shop=shops.other).coupon_max == Decimal("500")
    with pytest.raises(ValidationError):
        services.review_settings_update(
            shop=shop, coupon_min=Decimal("600"), coupon_max=Decimal("100"), currency="RUB"
        )


def test_positive_reviews_get_no_case(shop, seller):
    with pytest.raises(ValidationError):
        services.case_open(review=write(shop, 5, "Всё отлично"), user=seller)
    assert not Case.objects.exists()


def test_photos_are_stored_and_counted(shop):
    review = write(
        shop,
        1,
        "Разбит",
        photos=[
            services.NewPhoto(name="a.png", content=b"\x89PNG..."),
            services.NewPhoto(url="https://example.com/p.jpg"),
        ],
    )
    assert review.photo_count == 2
    stored = list(Review.objects.get(pk=review.pk).photos.order_by("position"))
    assert stored[0].image.name.endswith(".png") and stored[1].url == "https://example.com/p.jpg"


def test_rating_is_one_to_five(shop):
    with pytest.raises(ValidationError):
        write(shop, 6, "?")
    assert not CompensationOffer.objects.exists()


def test_a_new_shop_gets_default_rules_and_limits(django_capture_on_commit_callbacks):
    from sellerdesk.core.services import shop_create

    with django_capture_on_commit_callbacks(execute=True):
        created = shop_create(
            name="Новый",
            marketplace="wildberries",
            time_zone="Europe/Moscow",
            default_language="zh",
        )
    assert SituationRule.objects.for_shop(created).count() == 5
    assert services.review_settings_ensure(shop=created).currency == "CNY"
