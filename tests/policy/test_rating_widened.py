"""Indirect and polite rating requests, rewards tied to a rating; thanks and mentions stay clean."""

import pytest

from sellerdesk.policy import check
from sellerdesk.policy.rating import find_rating_manipulation
from sellerdesk.policy.text import fold

REQUESTS = [
    "Поправьте, пожалуйста, оценку.",
    "Будем рады, если поставите пятёрку!",
    "Будем благодарны, если вы измените оценку на 5 звёзд.",
    "Не могли бы вы пересмотреть свою оценку?",
    "Если не сложно, поднимите оценку товару.",
    "Просим вас удалить отзыв, вопрос уже решён.",
    "Надеемся, что вы поменяете отзыв после замены.",
    "Может, добавите пару звёздочек?",
    "Накиньте звёздочку, пожалуйста)",
    "Были бы признательны, если бы вы исправили отзыв.",
    "Хотелось бы, чтобы вы убрали негативный отзыв.",
    "Ждём от вас пятёрку!",
    "Будем рады вашей пятёрке.",
    "Рассчитываем на положительный отзыв.",
    "За отзыв с пятью звёздами дарим промокод.",
    "Оставьте отзыв на 5 звёзд и получите кешбэк 200 ₽.",
    "После отзыва вернём 100 рублей на карту.",
    "Подарим скидку 10% за фото-отзыв.",
    "Перепишите, пожалуйста, отзыв, мы всё исправили.",
    "Можете ли вы скрыть отзыв?",
    "Please correct your rating.",
    "We'd be happy if you gave us five stars!",
    "Would you mind updating your review?",
    "Could you please consider removing this review?",
    "We would be grateful if you changed your rating to 5 stars.",
    "It would mean a lot if you bumped it up to five stars.",
    "Feel free to revise your review now that it's fixed.",
    "Hoping you'll reconsider your rating.",
    "Get a $5 gift card for a 5-star review.",
    "Leave a review and get 10% off your next order.",
    "Please add a star or two to your rating.",
    "麻烦您把评价改一下。",
    "能否修改一下评价？",
    "希望您能追加好评。",
    "期待您的五星好评！",
    "求好评！",
    "好评返现5元。",
    "差评能删一下吗？",
    "五星好评送小礼品。",
    "能不能帮忙把差评撤了？",
    "晒图好评联系客服领红包。",
    "给我们加一颗星吧。",
    "Если вас не затруднит, исправьте оценку на более высокую.",
    "Просим изменить ваш отзыв, ведь проблема решена.",
    "Мы заменили товар — может быть, вы обновите отзыв?",
    "Будем очень признательны за пять звёзд.",
    "Если всё понравилось, поставьте нам пятёрочку!",
    "Не могли бы вы убрать одну звезду из претензии и поставить пять?",
    "Пожалуйста, удалите ваш отзыв — мы вернём деньги.",
    "Дарим 300 ₽ за отзыв с оценкой 5.",
    "Отзыв можно отредактировать в личном кабинете — будем благодарны, если поставите 5 звёзд.",
    "Очень ждём вашу пятёрку!",
    "Хотим попросить вас пересмотреть оценку.",
    "Поднимите, пожалуйста, рейтинг нашему товару.",
    "Would you be willing to change your review?",
    "Please remove the negative review, we have sent a replacement.",
    "We'd love it if you could update your rating.",
    "We're hoping for a five-star review from you!",
    "Kindly delete your 1-star review.",
    "We will send you a coupon once you leave a positive review.",
    "Get cashback for your review!",
    "If you could raise the rating, we'd really appreciate it.",
    "Could you add another star?",
    "亲，麻烦把差评删掉，我们给您补偿。",
    "可以帮忙改成好评吗？",
    "给个五星好评吧，谢谢亲！",
    "好评返5元红包。",
    "能否撤销差评？",
    "亲，追加一个好评呗。",
]
CLEAN = [
    "Спасибо за отзыв и пятёрку!",
    "Рады, что вы поставили пять звёзд.",
    "Благодарим за высокую оценку.",
    "Вы изменили оценку — спасибо за доверие!",
    "Мы исправим проблему, описанную в отзыве.",
    "Ваш отзыв очень важен для нас.",
    "Спасибо, что оставили отзыв, будем рады видеть вас снова.",
    "Ждём ваш отзыв о товаре после использования.",
    "Мы учли ваш отзыв и обновили описание товара.",
    "Отзыв помог нам улучшить упаковку.",
    "Оценка 5 звёзд — лучшая награда для нас, спасибо!",
    "Мы поменяем товар, отзыв можно не менять.",
    "Пожалуйста, оставьте отзыв после получения — нам важно ваше мнение.",
    "Вернём деньги за брак, оформите возврат в личном кабинете.",
    "За вашу оценку спасибо, мы передали замечание на склад.",
    "Thank you for your review!",
    "Thanks for the five stars!",
    "We're glad you left a positive review.",
    "We noticed you updated your review, thank you.",
    "We have updated the product description based on your review.",
    "Your feedback helps us improve.",
    "We will refund the cost of the damaged item.",
    "Feel free to leave a review once you've tried it.",
    "感谢您的好评！",
    "谢谢亲的五星好评。",
    "您的评价我们已经收到，会改进包装。",
    "我们已根据您的评价修改了商品描述。",
    "欢迎您收到货后评价。",
    "Спасибо за высокую оценку нашего товара!",
    "Мы рады, что товар вам понравился и вы поставили пятёрку.",
    "Ваш отзыв передан в отдел качества.",
    "Отзыв можно оставить в личном кабинете после получения.",
    "Благодарим за подробный отзыв, он поможет другим покупателям.",
    "Мы изменили упаковку после вашего отзыва.",
    "Оценка товара формируется из отзывов покупателей.",
    "Жаль, что вы поставили низкую оценку, мы уже заменили товар.",
    "Спасибо, что нашли время написать отзыв.",
    "Мы не можем удалить отзыв, это делает только площадка.",
    "Thank you for taking the time to leave a review.",
    "We appreciate your five-star rating!",
    "We've read your review and fixed the sizing chart.",
    "Reviews cannot be changed by the seller.",
    "Sorry the item arrived damaged, we will send a replacement today.",
    "Your rating helps other buyers choose.",
    "谢谢您的评价，我们会继续努力。",
    "感谢亲的支持与好评！",
    "很抱歉给您带来不便，我们会尽快处理。",
    "评价是对我们最大的鼓励。",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_indirect_requests_and_rewards_are_rating_manipulation(text):
    report = check(text, "review_reply")
    assert "rating_manipulation" in report.codes(), text
    assert not report.ok  # always an error: a shop cannot lower it


@pytest.mark.parametrize("text", CLEAN)
def test_thanks_mentions_and_refusals_stay_clean(text):
    assert find_rating_manipulation(fold(text)) == [], text


def test_the_span_covers_the_request_not_the_courtesy_around_it():
    text = "Будем рады, если поставите пятёрку!"
    ((start, end),) = find_rating_manipulation(fold(text))
    assert text[start:end] == "поставите пятёрку"


def test_a_report_of_a_changed_rating_is_not_a_request_but_the_conditional_is():
    assert find_rating_manipulation(fold("Вы изменили оценку — спасибо!")) == []
    assert find_rating_manipulation(fold("Если бы вы изменили оценку, было бы здорово."))
    assert find_rating_manipulation(fold("You updated your review, thank you.")) == []
    assert find_rating_manipulation(fold("We'd appreciate it if you updated your review."))
