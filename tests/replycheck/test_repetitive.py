"""The `repetitive` warning: a public reply nearly identical to several recent public replies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews import services as reviews
from sellerdesk.core.models import Role
from sellerdesk.policy.similarity import estimate, signature
from sellerdesk.replycheck.models import PublicReply
from sellerdesk.replycheck.services import (
    ReplyNeedsConfirmation,
    public_reply_record,
    repetition_settings_update,
    reply_check,
    reply_guard,
)
from templates_lib.models import ReplyTemplate

pytestmark = pytest.mark.django_db

NAMES = ["Анна", "Игорь", "Мария", "Олег", "Вера"]


def reply_to(name: str) -> str:
    return (
        f"Здравствуйте, {name}! Спасибо за отзыв и высокую оценку. Рады, что чайник вам "
        "понравился и служит каждый день. Ждём вас снова, хорошего дня!"
    )


def answer_reviews(shop, user, count: int) -> None:
    for index in range(count):
        review = reviews.review_create(shop=shop, rating=5, text="Отлично", buyer_name=NAMES[index])
        reviews.review_answer(review=review, text=reply_to(NAMES[index]), user=user)


def codes(shop, text: str, channel: str = "review_reply") -> set[str]:
    return reply_check(shop=shop, text=text, channel=channel, buyer_name="Вера").codes()


def test_signatures_estimate_similarity():
    same_but_name = estimate(signature(reply_to("Анна")).values, signature(reply_to("Олег")).values)
    other = estimate(
        signature(reply_to("Анна")).values,
        signature("Добрый день! Жаль, что размер не подошёл, оформите возврат.").values,
    )
    assert same_but_name >= 0.7
    assert other <= 0.2


def test_the_fourth_copy_of_a_review_reply_is_flagged_and_needs_confirmation(shops):
    shop, seller = shops.mine, shops.users[Role.SELLER]
    answer_reviews(shop, seller, 3)
    assert PublicReply.objects.filter(shop=shop).count() == 3
    assert "repetitive" in codes(shop, reply_to("Вера"))
    review = reviews.review_create(shop=shop, rating=5, text="Супер", buyer_name="Вера")
    with pytest.raises(ReplyNeedsConfirmation) as refused:
        reviews.review_answer(review=review, text=reply_to("Вера"), user=seller)
    finding = next(f for f in refused.value.report.findings if f.code == "repetitive")
    assert finding.severity == "warning" and "3" in finding.message
    reviews.review_answer(
        review=review, text=reply_to("Вера"), user=seller, warnings_confirmed=True
    )


def test_two_copies_and_a_different_reply_are_fine(shops):
    shop, seller = shops.mine, shops.users[Role.SELLER]
    answer_reviews(shop, seller, 2)
    assert "repetitive" not in codes(shop, reply_to("Вера"))
    public_reply_record(shop=shop, channel="review_reply", text=reply_to("Олег"), item_ref="r:9")
    different = (
        "Добрый день, Вера! Благодарим за тёплые слова о чайнике. Пусть он радует вас "
        "ароматным чаем, будем рады видеть вас снова!"
    )
    assert "repetitive" not in codes(shop, different)


def test_chat_other_shops_and_old_replies_do_not_count(shops):
    shop, seller = shops.mine, shops.users[Role.SELLER]
    answer_reviews(shop, seller, 3)
    assert "repetitive" not in codes(shop, reply_to("Вера"), channel="chat")
    assert "repetitive" not in codes(shops.other, reply_to("Вера"))
    PublicReply.objects.update(created_at=timezone.now() - timedelta(days=8))
    from sellerdesk.replycheck.models import PublicReplyBand

    PublicReplyBand.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert "repetitive" not in codes(shop, reply_to("Вера"))


def test_thresholds_are_per_shop(shops):
    shop, seller = shops.mine, shops.users[Role.SELLER]
    answer_reviews(shop, seller, 3)
    repetition_settings_update(shop=shop, fields={"min_count": 5})
    assert "repetitive" not in codes(shop, reply_to("Вера"))
    repetition_settings_update(shop=shop, fields={"min_count": 2, "enabled": False})
    assert "repetitive" not in codes(shop, reply_to("Вера"))
    repetition_settings_update(shop=shop, fields={"enabled": True})
    assert "repetitive" in codes(shop, reply_to("Вера"))


def test_editing_one_item_never_repeats_itself(shops):
    shop = shops.mine
    for _ in range(3):
        public_reply_record(
            shop=shop, channel="review_reply", text=reply_to("Анна"), item_ref="review:7"
        )
    report = reply_check(shop=shop, text=reply_to("Анна"), channel="review_reply")
    assert "repetitive" in report.codes()
    same_item = reply_guard(
        shop=shop,
        text=reply_to("Анна"),
        channel="review_reply",
        item_ref="review:7",
        warnings_confirmed=False,
    )
    assert "repetitive" not in same_item.codes()


def test_the_warning_suggests_another_wording_of_the_template(shops):
    shop = shops.mine
    body = (
        "Здравствуйте, {{ buyer_name }}! {~ Спасибо за отзыв и высокую оценку | Благодарим за "
        "тёплые слова и пять звёзд | Очень приятно читать такой отзыв ~}. Рады, что чайник вам "
        "понравился. {~ Ждём вас снова, хорошего дня! | До новых встреч, всего доброго! ~}"
    )
    ReplyTemplate.objects.create(
        shop=shop, name="Спасибо за 5", body=body, channels=["review_reply"], language="ru"
    )
    pasted = (
        "Здравствуйте, Анна! Спасибо за отзыв и высокую оценку. Рады, что чайник вам понравился. "
        "Ждём вас снова, хорошего дня!"
    )
    for index in range(3):
        public_reply_record(
            shop=shop, channel="review_reply", text=pasted, item_ref=f"review:{index}"
        )
    report = reply_check(shop=shop, text=pasted, channel="review_reply", buyer_name="Анна")
    finding = next(f for f in report.findings if f.code == "repetitive")
    assert finding.suggestion.startswith("Здравствуйте, Анна!")
    assert finding.suggestion != pasted
    assert "Спасибо за отзыв и высокую оценку" not in finding.suggestion
