"""Builds replies.jsonl: hand-written sentences per part, combined into labelled replies.

Run once (`python tests/policy/corpus/build_corpus.py`); the JSONL is committed and
is the corpus. Hand-written whole replies (tricky cases) live in tricky.jsonl.
"""

import json
import random
from pathlib import Path

HERE = Path(__file__).parent

PIECES = {
    "ru": {
        "greeting": [
            "Здравствуйте!",
            "Добрый день!",
            "Добрый вечер, {name}!",
            "Здравствуйте, {name}!",
            "Приветствуем вас!",
            "Доброго времени суток!",
            "Уважаемый покупатель!",
            "Доброе утро!",
            "Привет!",
            "Дорогая покупательница, здравствуйте!",
        ],
        "thanks": [
            "Спасибо за ваш вопрос.",
            "Благодарим за обращение!",
            "Большое спасибо за отзыв!",
            "Мы благодарны за интерес к нашему товару.",
            "Благодарим вас за выбор нашего магазина.",
            "Спасибо, что выбрали нас!",
            "Признательны за ваш отзыв.",
            "Очень ценим ваш выбор!",
            "Спасибо большое за высокую оценку!",
            "Благодарю за вопрос.",
        ],
        "reason": [
            "К сожалению, у нас нет доступа к этой информации.",
            "Мы не предоставляем сведения о наших поставщиках.",
            "Эта информация конфиденциальна.",
            "Мы не обсуждаем других продавцов на площадке.",
            "Правила маркетплейса не позволяют нам раскрывать такие данные.",
            "Этот вопрос не относится к товару.",
            "У нас нет возможности проверить наличие в других магазинах.",
            "Данные покупателей мы не разглашаем в связи с политикой конфиденциальности.",
            "Это коммерческая тайна компании.",
            "Мы не можем ответить, так как не являемся представителями Wildberries.",
        ],
        "alternative": [
            "Рекомендуем посмотреть таблицу размеров в карточке товара.",
            "Подробные характеристики указаны в описании.",
            "Вы можете задать вопрос нам в чате после покупки.",
            "Советуем обратиться в службу поддержки Wildberries.",
            "Попробуйте поискать похожие модели в нашем ассортименте.",
            "Можно оформить возврат в личном кабинете.",
            "Предлагаем вам выбрать аналогичный товар из нашего каталога.",
            "Обратите внимание на размерную сетку на фото.",
            "Ознакомьтесь, пожалуйста, с инструкцией в карточке.",
            "Возможно, нужный товар найдётся в других магазинах.",
        ],
        "closing": [
            "Хорошего дня!",
            "Всего доброго!",
            "Будем рады видеть вас снова!",
            "Если остались вопросы, обращайтесь.",
            "С уважением, команда магазина.",
            "Приятных покупок!",
            "Желаем вам отличного настроения!",
            "Ждём вас снова!",
            "Надеемся на понимание.",
            "Удачных покупок и хорошего вечера!",
        ],
        "body": [
            "Ткань плотная и не просвечивает.",
            "Товар отправлен вчера, срок доставки 3–5 дней.",
            "Размер соответствует указанному.",
            "Ваш заказ №45678 уже передан в доставку.",
            "Артикул 145678923 есть в наличии.",
            "Цена 1 990 ₽ действует до конца недели.",
            "Состав: 100% хлопок.",
            "Гарантия 12 месяцев от производителя.",
            "Подойдёт на размеры 44–46, рост 164–170.",
            "Мы передали информацию на склад.",
            "Мы уже разбираемся с ситуацией.",
            "Мы не можем общаться в мессенджерах, только здесь.",
            "Команда нашего магазина проверила партию.",
            "Наш корабль — это качество.",
            "Стоимость 250 рубля за штуку.",
            "Размеры упаковки 30x20x10 см.",
        ],
    },
    "en": {
        "greeting": [
            "Hello!",
            "Hi {name}!",
            "Good afternoon!",
            "Dear customer,",
            "Hello, {name}!",
            "Good morning!",
            "Hi there!",
            "Greetings!",
        ],
        "thanks": [
            "Thank you for your question.",
            "Thanks a lot for your review!",
            "We appreciate your interest in our product.",
            "Many thanks for choosing our store!",
            "We are grateful for your feedback.",
            "Thank you for reaching out.",
        ],
        "reason": [
            "Unfortunately, we do not have access to this information.",
            "This information is confidential.",
            "We do not share details about our suppliers.",
            "Marketplace rules do not allow us to discuss other sellers.",
            "We cannot verify stock in other stores.",
            "This question is not related to the product.",
        ],
        "alternative": [
            "Please check the size chart on the product card.",
            "You can find the full specifications in the description.",
            "We recommend contacting marketplace customer support.",
            "You may want to look at similar products in our catalogue.",
            "Feel free to ask us in the chat after ordering.",
            "You could also try other stores.",
        ],
        "closing": [
            "Have a nice day!",
            "Best regards, the shop team.",
            "Let us know if you have any other questions.",
            "We hope to see you again!",
            "Happy shopping!",
            "Take care!",
        ],
        "body": [
            "The fabric is dense.",
            "Your order #45678 was shipped yesterday.",
            "The item SKU 1456789 is in stock.",
            "It costs $25.",
            "Material: 100% cotton.",
            "The warranty period is 12 months.",
            "Fits sizes 8-10.",
            "Our class of service is high.",
        ],
    },
    "zh": {
        "greeting": [
            "亲，您好！",
            "您好！",
            "親愛的顧客，您好！",
            "{name}您好！",
            "亲爱的，",
            "尊敬的客户您好，",
            "下午好！",
            "哈喽亲！",
        ],
        "thanks": [
            "谢谢您的提问。",
            "感谢您的评价！",
            "謝謝您的支持！",
            "非常感謝您的光臨。",
            "多谢亲的好评！",
            "感谢您选择我们的店铺。",
        ],
        "reason": [
            "抱歉，我们无权查看这些信息。",
            "由于平台规定，我们不能透露其他商家的信息。",
            "供应商信息属于商业机密。",
            "這類信息涉及隱私，不方便透露。",
            "这个问题与商品无关。",
            "我们无法查询其他店铺的库存。",
        ],
        "alternative": [
            "建议您查看商品详情页的尺码表。",
            "您可以联系在线客服咨询。",
            "可以看看我们店里的同款。",
            "請參考詳情頁的說明。",
            "您可以在其他店铺看看。",
            "亲可以留言咨询客服哦。",
        ],
        "closing": [
            "祝您生活愉快！",
            "欢迎下次光临！",
            "祝您購物愉快！",
            "有任何问题随时联系我们。",
            "期待您的再次光临！",
            "感谢您的理解！",
        ],
        "body": [
            "这款是纯棉的。",
            "订单号1234567890123已发货。",
            "价格是199元。",
            "百分百纯棉，手感很好。",
            "支持微信支付和支付宝。",
            "我们会亲自检查每一件商品。",
            "尺码是M到XL。",
            "操作很简单。",
            "質保一年。",
            "货号A12345。",
        ],
    },
}

NAMES = {"ru": "Анна", "en": "Anna", "zh": "小王"}
CHANNELS = ["chat", "question_answer", "question_decline", "review_reply"]
PARTS = ["greeting", "thanks", "reason", "alternative", "closing"]


def build() -> list[dict]:
    rng = random.Random(20241124)
    rows = []
    counts = {"ru": 110, "en": 45, "zh": 60}
    for lang, count in counts.items():
        pieces = PIECES[lang]
        for index in range(count):
            channel = CHANNELS[index % 4]
            present = {}
            for part in PARTS:
                chance = (
                    0.75
                    if part in ("greeting", "thanks", "closing")
                    else (0.7 if channel == "question_decline" else 0.12)
                )
                present[part] = rng.random() < chance
            sentences = []
            named = False
            for part in PARTS:
                if (
                    part == "reason"
                    and present["reason"] is False
                    and channel != "question_decline"
                ):
                    pass
                if present[part]:
                    sentence = rng.choice(pieces[part])
                    if "{name}" in sentence:
                        named = True
                        sentence = sentence.format(name=NAMES[lang])
                    sentences.append((part, sentence))
                if (part == "thanks" and channel != "question_decline") or part == "alternative":
                    used = {s for _, s in sentences}
                    options = [b for b in pieces["body"] if b not in used]
                    for body in rng.sample(options, rng.randint(0, 2)):
                        sentences.append(("body", body))
            joiner = "" if lang == "zh" else " "
            text = joiner.join(s for _, s in sentences) or rng.choice(pieces["body"])
            rows.append(
                {
                    "id": f"gen-{lang}-{index:03d}",
                    "lang": lang,
                    "channel": channel,
                    "text": text,
                    "buyer_name": NAMES[lang] if (named or rng.random() < 0.15) else None,
                    "parts": present,
                    "codes": [],
                }
            )
    return rows


if __name__ == "__main__":
    rows = build()
    with open(HERE / "replies.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(len(rows))
