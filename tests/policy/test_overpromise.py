"""Overpromise: marketplace-controlled delivery, guaranteed results, «nothing anywhere is as good»."""

import pytest

from sellerdesk.policy import check

PROMISES = [
    "Доставим завтра!",
    "Мы ускорим доставку, не переживайте.",
    "Заказ придёт к вам завтра.",
    "Курьер приедет сегодня вечером.",
    "Привезём в течение суток.",
    "Результат с первого применения!",
    "Этот крем поможет каждому.",
    "Вы точно похудеете за месяц.",
    "Лучший товар на рынке.",
    "Аналогов нет, лучше не найдёте.",
    "Не найдёте нигде дешевле.",
    "Самый лучший увлажнитель!",
    "Наш чай лучше, чем у конкурентов.",
    "We will deliver tomorrow.",
    "It will arrive tomorrow, don't worry.",
    "We'll expedite the shipping for you.",
    "Results guaranteed!",
    "This cream works for everyone.",
    "The best charger on the market.",
    "You won't find better anywhere.",
    "Second to none in quality.",
    "保证明天到！",
    "明天就能送到。",
    "我们帮您加快配送。",
    "立竿见影，一次见效。",
    "全网最低价。",
    "独一无二的设计。",
    "市面上最好的产品。",
    "Не волнуйтесь, посылка придёт послезавтра.",
    "Закажите сейчас — привезём уже завтра утром.",
    "Поторопим курьера, чтобы он приехал быстрее.",
    "Эффект после первого использования гарантирован.",
    "Поможет абсолютно всем, проверено.",
    "Такого качества нет нигде, аналогов не имеет.",
    "Наш продукт — лидер рынка.",
    "Your order will arrive today.",
    "We will rush the delivery for you.",
    "Instant results from the first day!",
    "Nothing compares to our blender.",
    "This is the best kettle in the world.",
    "明天一定送达。",
    "今晚就能收到。",
    "行业第一品牌。",
    "彻底根治脱发。",
]
CAREFUL = [
    "Мы отправим заказ сегодня.",
    "Сроки доставки устанавливает маркетплейс, но мы проверим статус заказа.",
    "Ускорить доставку мы, к сожалению, не можем.",
    "Ориентировочная дата доставки — завтра, по данным отслеживания.",
    "Заказ пришёл вчера, рады, что всё в порядке.",
    "Доставка обычно занимает 3–5 дней.",
    "Размер M вам подойдёт лучше.",
    "Лучше заранее проверить размер по таблице.",
    "Рекомендуем наносить крем дважды в день, результат индивидуален.",
    "Мы рады помочь всем покупателям.",
    "Это наш самый популярный цвет.",
    "Курьер может приехать завтра, статус видно в приложении.",
    "We shipped your order today.",
    "Delivery times are set by the marketplace; estimated arrival is tomorrow.",
    "We cannot speed up delivery, sorry.",
    "Your parcel arrived yesterday.",
    "Results may vary from person to person.",
    "It's one of our best sellers this season.",
    "If it doesn't arrive tomorrow, please let us know.",
    "预计明天到货。",
    "我们今天发货。",
    "无法加快配送，请谅解。",
    "您最好先测量一下尺寸。",
    "快递一般三到五天送达。",
    "Отправим заказ в течение 24 часов после оформления.",
    "Дату доставки можно посмотреть в личном кабинете.",
    "Доставкой занимается маркетплейс, мы передали заказ вовремя.",
    "Посылка прибыла в пункт выдачи, можно забирать.",
    "Крем подходит для сухой кожи.",
    "Этот размер будет лучше сидеть по фигуре.",
    "Мы постараемся отправить заказ как можно скорее.",
    "Delivery is handled by the marketplace.",
    "The estimated delivery date is shown in your order.",
    "We will ship your order within one business day.",
    "Many customers say it works well for them.",
    "This is our most popular model.",
    "我们会尽快发货。",
    "物流时效由平台决定。",
    "这款是我们店的热销款。",
    "效果因人而异。",
]


def overpromises(text: str) -> list[str]:
    return [text[f.start : f.end] for f in check(text, "chat").findings if f.code == "overpromise"]


@pytest.mark.parametrize("text", PROMISES)
def test_promises_the_shop_cannot_keep_are_flagged(text):
    assert overpromises(text), text


@pytest.mark.parametrize("text", CAREFUL)
def test_facts_estimates_refusals_and_own_dispatch_are_not_promises(text):
    assert overpromises(text) == [], text


def test_the_span_covers_the_verb_and_its_time():
    assert overpromises("Не волнуйтесь, посылка придёт послезавтра.") == ["придёт послезавтра"]
    assert overpromises("Мы ускорим доставку, не переживайте.") == ["ускорим доставку"]
