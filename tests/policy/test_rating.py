"""Rating manipulation: asking to change or remove a rating, or paying for one, is refused."""

from __future__ import annotations

import pytest

from sellerdesk.policy import check
from sellerdesk.policy.rating import find_rating_manipulation
from sellerdesk.policy.text import fold

FLAGGED = [
    # Russian, with word forms
    ("Пожалуйста, измените отзыв, мы всё исправили.", "измените отзыв"),
    ("Исправьте, пожалуйста, оценку.", "Исправьте, пожалуйста, оценку"),
    ("Уберите негативный отзыв, и мы вернём деньги.", "Уберите негативный отзыв"),
    ("Просим вас удалить этот отзыв.", "удалить этот отзыв"),
    ("Поставьте нам 5 звёзд, пожалуйста!", "Поставьте нам 5 звёзд"),
    ("Поставьте пятёрку, нам будет приятно.", "Поставьте пятёрку"),
    ("Повысьте оценку, если всё устроило.", "Повысьте оценку"),
    ("Дарим купон в обмен на отзыв.", "в обмен на отзыв"),
    ("За положительный отзыв вернём 200 рублей.", "За положительный отзыв"),
    ("Оставьте хороший отзыв — и получите скидку.", "Оставьте хороший отзыв"),
    ("Отзыв удалите, пожалуйста.", "Отзыв удалите"),
    ("Если поменяете оценку на пять звёзд, пришлём подарок.", "поменяете оценку"),
    ("5 звёзд в обмен на промокод.", "звёзд в обмен"),
    # Chinese, Simplified and Traditional
    ("亲，麻烦您修改评价，我们给您补偿。", "修改评价"),
    ("可以帮忙删除差评吗？", "删除差评"),
    ("能不能改成好评呢？", "改成好评"),
    ("方便的话追评五星哦。", "追评五星"),
    ("好评返现5元！", "好评返现"),
    ("麻煩您修改評價。", "修改評價"),
    ("請刪除差評，謝謝。", "刪除差評"),
    ("能否改成好評？", "改成好評"),
    ("好評返現，歡迎參加。", "好評返現"),
    ("亲，麻烦把差评改一下吧。", "把差评改"),
    ("能不能把這條差評刪掉？", "把這條差評刪"),
    # English
    ("Please change your review, we fixed everything.", "change your review"),
    ("Could you update your rating to 5 stars?", "update your rating"),
    ("Kindly remove the negative review.", "remove the negative review"),
    ("We will give you 5 stars in exchange.", "stars in exchange"),
    ("You get a coupon for a positive review.", "for a positive review"),
    ("We offer a refund in exchange for your review.", "in exchange for your review"),
    ("Please leave us a 5-star rating.", "leave us a 5-star rating"),
]

CLEAN = [
    "Спасибо за отзыв! Нам очень приятно.",
    "Благодарим за высокую оценку и ждём вас снова.",
    "Спасибо, что поставили нам 5 звёзд!",
    "Мы читаем каждый отзыв и делаем выводы.",
    "Исправим проблему, которую вы описали в отзыве: заменим чайник.",
    "Мы изменили упаковку после вашего отзыва.",
    "Ваш отзыв очень важен для нас.",
    "Спасибо за честный отзыв — нам жаль, что покупка вас расстроила.",
    "感谢您的评价，我们会继续努力。",
    "感謝您的評價！",
    "谢谢您的五星好评，欢迎再次光临！",
    "感谢您给五星，祝您生活愉快。",
    "Thank you for your review!",
    "Thanks for the 5-star rating, it made our day.",
    "We read every review.",
    "We'll fix the problem you described in your review.",
    "Thank you for updating us on the delivery.",
    "We have updated the product description based on your review.",
    "Мы исправили ошибку, о которой вы написали в отзыве.",
    "Отзыв очень важен для нас, спасибо!",
    "Будем рады, если оставите отзыв о следующей покупке.",
    "We will update you on the review of your claim.",
]


@pytest.mark.parametrize(("text", "expected"), FLAGGED)
def test_requests_and_offers_are_found_with_their_span(text: str, expected: str) -> None:
    spans = find_rating_manipulation(fold(text))
    assert [text[start:end] for start, end in spans] == [expected]


@pytest.mark.parametrize("text", CLEAN)
def test_thanks_and_talk_about_reviews_are_not_flagged(text: str) -> None:
    assert find_rating_manipulation(fold(text)) == []


@pytest.mark.parametrize("channel", ["review_reply", "chat", "question_answer", "question_decline"])
def test_every_channel_refuses_a_rating_request(channel: str) -> None:
    text = "Здравствуйте, Анна! Спасибо за отзыв. Измените, пожалуйста, оценку. Хорошего дня!"
    report = check(text, channel, buyer_name="Анна")
    findings = [f for f in report.findings if f.code == "rating_manipulation"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "error"
    assert not report.ok
    assert text[finding.start : finding.end] == "Измените, пожалуйста, оценку"
    assert finding.suggestion == ""  # the fix is to delete the phrase


@pytest.mark.parametrize(
    ("ui_lang", "word"), [("ru", "оцен"), ("en", "rating"), ("zh-hans", "评价")]
)
def test_message_is_in_the_ui_language(ui_lang: str, word: str) -> None:
    report = check("Hello! Please change your review. Thank you!", "review_reply", ui_lang=ui_lang)
    (finding,) = [f for f in report.findings if f.code == "rating_manipulation"]
    assert word in finding.message


def test_a_thankful_reply_passes_without_rating_findings() -> None:
    report = check(
        "Здравствуйте! Спасибо за отзыв и высокую оценку. Будем рады видеть вас снова!",
        "review_reply",
    )
    assert "rating_manipulation" not in report.codes()


def test_shipped_review_templates_are_not_flagged() -> None:
    import json
    from pathlib import Path

    data = json.loads(
        (
            Path(__file__).resolve().parents[2]
            / "templates_lib"
            / "data"
            / "default_templates.json"
        ).read_text(encoding="utf-8")
    )
    flagged = [
        (item["key"], item["language"])
        for item in data["templates"]
        if find_rating_manipulation(fold(item["body"]))
    ]
    assert flagged == []
