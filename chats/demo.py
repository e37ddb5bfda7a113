"""Demo buyer chats for the two demo shops, written for each shop's language.

Conversations are built from short scripts: ("b", text) is the buyer, ("s", text) the
shop. The newest buyer turns of some conversations stay unread; a few carry photos or a
PDF (generated here, valid files); one wholesale conversation is long enough (a few
hundred messages) to page upward through.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.utils import timezone

from chats import services
from chats.models import Conversation, Direction, Message
from chats.search import cjk_bigrams
from sellerdesk.core.models import Product, Role, Shop

RU_SCRIPTS: list[tuple[str, int, list[tuple[str, str]], int]] = [
    # (buyer, product index, turns, how many of the last buyer turns stay unread)
    (
        "Анна Соколова",
        0,
        [
            (
                "b",
                "Здравствуйте! Заказала кофемолку в понедельник, в приложении до сих пор статус «собирается». Когда отправите?",
            ),
            (
                "s",
                "Здравствуйте, Анна! Спасибо, что написали. Заказ уже передан на склад маркетплейса, доставка ожидается в четверг. Хорошего дня!",
            ),
            ("b", "Спасибо! А в комплекте есть щёточка для чистки ножей?"),
        ],
        1,
    ),
    (
        "Алексей",
        0,
        [
            ("b", "Добрый день. Кофемолка гудит, но ножи не крутятся. Прикладываю фото."),
            ("b", "Вот ещё видно, что крышка закрыта до щелчка."),
        ],
        2,
    ),
    (
        "Мария Кузнецова",
        1,
        [
            ("b", "Плед пришёл, очень мягкий! Подскажите, при какой температуре его стирать?"),
            (
                "s",
                "Добрый день, Мария! Рады, что плед понравился. Стирайте при 30 градусах в деликатном режиме, без отбеливателя. Обращайтесь, если будут вопросы!",
            ),
            ("b", "Поняла, спасибо большое!"),
            ("s", "Мария, спасибо вам! Уютных вечеров."),
        ],
        0,
    ),
    (
        "Дмитрий",
        2,
        [
            (
                "b",
                "Здравствуйте. В наборе полотенец одно оказалось другого оттенка. Это так задумано?",
            ),
            (
                "s",
                "Здравствуйте, Дмитрий! Оттенки в наборе одинаковые, похоже, произошла ошибка при комплектации. Пришлите, пожалуйста, фото — предложим замену или возврат.",
            ),
            (
                "b",
                "Фото прислал. И ещё вопрос: можно ли оформить замену без возврата всего набора?",
            ),
        ],
        1,
    ),
    (
        "Екатерина",
        3,
        [
            ("b", "Можно ли использовать эту щётку ребёнку 10 лет?"),
            (
                "s",
                "Здравствуйте, Екатерина! Щётку можно использовать с 12 лет; для ребёнка 10 лет лучше выбрать детскую насадку с мягкой щетиной. Хорошего дня!",
            ),
        ],
        0,
    ),
    (
        "Сергей Павлов",
        4,
        [
            ("b", "Кукла говорит очень тихо, это можно настроить?"),
            (
                "s",
                "Добрый день, Сергей! Громкость регулируется кнопкой на спине куклы: удерживайте её три секунды. Инструкцию прикладываем.",
            ),
            ("b", "Получилось, спасибо! А батарейки какие нужны на замену?"),
        ],
        1,
    ),
    (
        "Ирина",
        5,
        [
            ("b", "Чайник пришёл с трещиной на крышке, пришлю фото. Что делать?"),
            (
                "s",
                "Здравствуйте, Ирина! Нам очень жаль. Оформите, пожалуйста, возврат в личном кабинете с пометкой «брак» — деньги вернутся в течение 3 дней после приёмки. Приносим извинения!",
            ),
            ("b", "Оформила. А подсветка у нового будет такая же синяя?"),
            ("b", "И подскажите номер заказа для замены, если потребуется."),
        ],
        2,
    ),
    (
        "Павел",
        None,
        [
            ("b", "Здравствуйте, у вас будут скидки к Новому году?"),
            (
                "s",
                "Здравствуйте, Павел! Следите за карточками товаров: скидки появятся в декабре. Спасибо за интерес к магазину!",
            ),
        ],
        0,
    ),
    (
        "Наталья Орлова",
        1,
        [
            ("b", "Есть ли этот плед в размере 200×220?"),
        ],
        1,
    ),
    (
        "Юлия",
        2,
        [
            ("b", "Полотенца после стирки немного сели. Так должно быть?"),
            (
                "s",
                "Здравствуйте, Юлия! Хлопок может дать небольшую усадку после первой стирки при высокой температуре. Рекомендуем 40 градусов. Спасибо, что выбрали нас!",
            ),
        ],
        0,
    ),
]

ZH_SCRIPTS: list[tuple[str, int, list[tuple[str, str]], int]] = [
    (
        "王女士",
        0,
        [
            ("b", "你好，卫衣130码适合身高多少的孩子？"),
            (
                "s",
                "您好！130码适合身高125到135厘米的宝贝，如果孩子偏胖建议选大一码。祝您购物愉快！",
            ),
            ("b", "好的，那纯棉的会不会起球？"),
        ],
        1,
    ),
    (
        "小李妈妈",
        1,
        [
            ("b", "连衣裙收到了，颜色和图片有点不一样，我拍了照片。"),
            ("b", "能换一件吗？"),
        ],
        2,
    ),
    (
        "陈先生",
        2,
        [
            ("b", "牛仔裤的腰围可以调节吗？"),
            ("s", "您好，陈先生！裤子内侧有松紧扣，可以调节腰围。感谢您的咨询！"),
        ],
        0,
    ),
    (
        "赵女士",
        3,
        [
            ("b", "婴儿连体衣是什么面料？新生儿能穿吗？"),
            ("s", "您好！连体衣是A类纯棉面料，新生儿可以放心穿。我们附上了检测报告。"),
            ("b", "谢谢，报告收到了。"),
        ],
        0,
    ),
    (
        "刘同学",
        4,
        [
            ("b", "雨衣有没有反光条？晚上放学要用。"),
            ("s", "您好！雨衣背面和袖口都有反光条，晚上也很醒目。祝孩子上学平安！"),
            ("b", "那书包位能放多大的书包？"),
        ],
        1,
    ),
    (
        "孙女士",
        None,
        [
            ("b", "请问什么时候发货？我想周末前收到。"),
        ],
        1,
    ),
]

# A wholesale buyer who writes every day; enough turns to page upward through.
RU_LONG_BUYER = ("ООО «Домашний уют» (Виктор)", 1)
RU_LONG_TURNS = [
    ("b", "Добрый день! Уточните наличие пледов серого цвета на {n} штук."),
    ("s", "Здравствуйте, Виктор! На складе есть {n} штук, можем зарезервировать до пятницы."),
    ("b", "Отлично, резервируйте. Счёт пришлёте?"),
    ("s", "Виктор, добрый день! Счёт №{n} отправили, срок оплаты — три дня."),
    ("b", "Оплату провели, ждём отгрузку партии {n}."),
    ("s", "Спасибо! Партия {n} отгружена, трек-номер пришлём сегодня."),
]
ZH_LONG_BUYER = ("幼儿园采购 周老师", 0)
ZH_LONG_TURNS = [
    ("b", "周老师：这批卫衣需要{n}件，可以开发票吗？"),
    ("s", "周老师您好！{n}件有现货，可以开发票。"),
    ("b", "好的，第{n}批的尺码表发给你了。"),
    ("s", "收到，第{n}批明天发货，谢谢支持！"),
]


def demo_png(seed: int, color: tuple[int, int, int]) -> bytes:
    """A small but real PNG: a coloured card with a few stripes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 220), color)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        y = 20 + i * 32 + seed % 7
        draw.rectangle((20, y, 300, y + 12), fill=(255, 255, 255) if i % 2 else (40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demo_pdf(title: str) -> bytes:
    """A minimal valid one-page PDF (ASCII title); the xref offsets are computed."""
    safe = "".join(ch for ch in title if ch.isascii() and ch not in "()\\")[:60]
    stream = f"BT /F1 18 Tf 50 760 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _files_for(text: str, index: int) -> list[tuple[str, str, bytes]]:
    lowered = text.lower()
    if any(word in lowered for word in ("фото", "照片")):
        return [(f"photo_{index}.png", "image/png", demo_png(index, (180, 120 + index % 80, 90)))]
    if any(word in lowered for word in ("инструкц", "报告")):
        return [
            (
                f"document_{index}.pdf",
                "application/pdf",
                demo_pdf(f"SellerDesk demo document {index}"),
            )
        ]
    return []


def _add_seller_message(*, conversation: Conversation, author, text: str, at, index: int) -> None:
    # Through the service, so the SLA clock and the unanswered mark stop as for a real reply.
    services.seller_message_record(
        conversation=conversation,
        text=text,
        created_at=at,
        files=_files_for(text, index),
        author=author,
    )


def _seed_script(
    *,
    shop: Shop,
    products: list[Product],
    members,
    rng: random.Random,
    buyer: str,
    product_index: int | None,
    turns: list[tuple[str, str]],
    unread: int,
    start,
) -> None:
    product = (
        products[product_index]
        if product_index is not None and product_index < len(products)
        else None
    )
    # No external id: a demo conversation never came from a marketplace, so replies to it stay
    # local even in the shop connected to the Wildberries fake (connectors.connector_for).
    conversation = services.conversation_create(shop=shop, buyer_name=buyer, product=product)
    moment = start
    read_until = None
    buyer_turns = [i for i, (who, _text) in enumerate(turns) if who == "b"]
    unread_from = buyer_turns[-unread] if unread else len(turns)
    for index, (who, text) in enumerate(turns):
        moment = min(moment + timedelta(minutes=rng.randint(3, 160)), timezone.now())
        if index < unread_from:
            read_until = moment
        if who == "b":
            services.buyer_message_receive(
                conversation=conversation,
                text=text,
                created_at=moment,
                files=_files_for(text, index + rng.randint(0, 99)),
            )
        else:
            _add_seller_message(
                conversation=conversation,
                author=members[Role.SELLER],
                text=text,
                at=moment,
                index=index,
            )
    conversation.last_read_at = read_until
    conversation.save(update_fields=["last_read_at"])
    services.conversation_summary_refresh(conversation=conversation)


def _seed_long(
    *,
    shop: Shop,
    products: list[Product],
    members,
    buyer: tuple[str, int],
    turns,
    rounds: int,
    start,
) -> None:
    name, product_index = buyer
    conversation = services.conversation_create(
        shop=shop, buyer_name=name, product=products[product_index]
    )
    messages = []
    moment = start
    for round_number in range(rounds):
        for who, template in turns:
            moment += timedelta(minutes=17)
            text = template.format(n=100 + round_number)
            messages.append(
                Message(
                    conversation=conversation,
                    shop_id=shop.pk,
                    direction=Direction.INCOMING if who == "b" else Direction.OUTGOING,
                    text=text,
                    text_ngrams=cjk_bigrams(text),
                    author=members[Role.MANAGER] if who == "s" else None,
                    created_at=moment,
                )
            )
    Message.objects.bulk_create(messages, batch_size=500)
    conversation.last_read_at = moment
    conversation.save(update_fields=["last_read_at"])
    services.conversation_summary_refresh(conversation=conversation)


def seed(*, shop: Shop, products: list[Product], members, rng: random.Random) -> None:
    chinese = shop.default_language == "zh"
    scripts = ZH_SCRIPTS if chinese else RU_SCRIPTS
    now = timezone.now()
    _seed_long(
        shop=shop,
        products=products,
        members=members,
        buyer=ZH_LONG_BUYER if chinese else RU_LONG_BUYER,
        turns=ZH_LONG_TURNS if chinese else RU_LONG_TURNS,
        rounds=60 if chinese else 50,
        start=now - timedelta(days=40),
    )
    for position, (buyer, product_index, turns, unread) in enumerate(scripts):
        start = now - timedelta(hours=(len(scripts) - position) * 9 + rng.randint(0, 5))
        _seed_script(
            shop=shop,
            products=products,
            members=members,
            rng=rng,
            buyer=buyer,
            product_index=product_index,
            turns=turns,
            unread=unread,
            start=start,
        )
