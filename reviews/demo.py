"""Demo reviews for each demo shop, written fresh in the shop's language."""

from __future__ import annotations

import random
import struct
import zlib
from datetime import timedelta

from django.utils import timezone

from reviews import services
from reviews.models import Review
from sellerdesk.core.demo_text import product_for_text
from sellerdesk.core.models import Product, Role, Shop

# (rating, buyer, text, pros, cons, photo colours, situation tag for the demo's own use)
_RU = [
    (
        5,
        "Анна",
        "Кофемолка мелет быстро и ровно, шум терпимый. Пользуюсь каждое утро, очень довольна.",
        "Мощная, компактная",
        "",
        ["#6b4f3a"],
        "",
    ),
    (5, "Дмитрий", "Плед мягкий и тёплый, цвет как на фото. Взяли второй на дачу.", "", "", [], ""),
    (
        4,
        "Светлана",
        "Полотенца хорошие, пушистые, но после первой стирки немного сели.",
        "Мягкие",
        "Чуть сели",
        [],
        "",
    ),
    (
        1,
        "Сергей",
        "Чайник пришёл разбитый: коробка помята, на стекле трещина. Пользоваться невозможно.",
        "",
        "Разбит при доставке",
        ["#9aa5b1", "#c4ccd4"],
        "damaged",
    ),
    (
        1,
        "Виктор",
        "Мошенники! Третий раз пишу в поддержку, никто не отвечает. Никогда больше не куплю в этом магазине.",
        "",
        "",
        [],
        "hostile",
    ),
    (
        2,
        "Ирина",
        "У щётки через неделю перестал работать режим отбеливания, похоже на брак.",
        "",
        "Сломалась",
        [],
        "",
    ),
    (
        3,
        "Ольга",
        "Кукла красивая, но доставка шла почти три недели, ребёнок заждался. Долгая доставка испортила впечатление.",
        "Дочке понравилась",
        "Долго ждали",
        [],
        "",
    ),
    (
        2,
        "Павел",
        "Плед маломерит: заявлен 150×200, по факту заметно меньше. Не соответствует описанию.",
        "",
        "Размер",
        ["#8d8d8d"],
        "",
    ),
    (5, "Елена", "Чайник с подсветкой — просто красота! Закипает быстро.", "", "", ["#7fb3d5"], ""),
    (3, "Максим", "Нормально, но ожидал большего.", "", "", [], ""),
]
_ZH = [
    (
        5,
        "小林妈妈",
        "卫衣面料很舒服，孩子穿着刚好，颜色也正，会回购。",
        "面料好",
        "",
        ["#f4a261"],
        "",
    ),
    (5, "阳阳爸爸", "雨衣质量不错，书包位设计很贴心，下雨天再也不怕了。", "", "", [], ""),
    (4, "朵朵", "裙子很漂亮，就是有一点线头，剪掉就好了。", "好看", "有线头", [], ""),
    (
        1,
        "陈女士",
        "收到的时候外包装破了，里面的连体衣被压坏，还有污渍，快递太粗暴了。",
        "",
        "包装破损",
        ["#bcb8b1", "#8a817c"],
        "damaged",
    ),
    (1, "王先生", "骗子店！客服半天不回，再也不买了，大家别上当。", "", "", [], "hostile"),
    (2, "小美", "牛仔裤偏小，按尺码表买的还是穿不上，跟描述不符。", "", "尺码偏小", [], ""),
    (3, "乐乐妈", "衣服还可以，但是发货慢，等了十天才到。", "", "物流慢", [], ""),
    (2, "豆豆", "洗了一次就掉色，质量问题有点失望。", "", "掉色", ["#5e81ac"], ""),
    (5, "糖糖", "连衣裙上身效果很好，女儿超喜欢！", "", "", [], ""),
]


def _png(colour: str, size: int = 48) -> bytes:
    """A small solid-colour PNG (no imaging library needed)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    row = b"\x00" + bytes((red, green, blue)) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def seed(*, shop: Shop, products: list[Product], members: dict, rng: random.Random) -> None:
    services.situation_rules_install_defaults(shop=shop)
    services.review_settings_ensure(shop=shop)
    rows = _ZH if shop.default_language == "zh" else _RU
    now = timezone.now()
    created: dict[str, Review] = {}
    for index, (rating, buyer, text, pros, cons, colours, tag) in enumerate(rows):
        photos = [
            services.NewPhoto(name=f"photo-{number + 1}.png", content=_png(colour))
            for number, colour in enumerate(colours)
        ]
        review = services.review_create(
            shop=shop,
            rating=rating,
            text=text,
            pros=pros,
            cons=cons,
            buyer_name=buyer,
            product=product_for_text(text, products, fallback=index),
            created_at=now - timedelta(hours=3 * (len(rows) - index) + rng.randint(0, 120) / 60),
            photos=photos,
        )
        if tag:
            created[tag] = review
    seller, manager = members[Role.SELLER], members[Role.MANAGER]
    # A case under way: the hostile buyer's history read, a coupon above the limit waiting for a manager.
    hostile = created["hostile"]
    case = services.case_open(review=hostile, user=seller)
    services.case_step_complete(case=case, key="read_history", user=seller)
    settings = services.review_settings_ensure(shop=shop)
    services.compensation_offer(
        case=case, amount=settings.coupon_max * 2, user=seller, role=Role.SELLER, note=""
    )
    # And one resolved a day ago, so the "Answered" tab has a worked example with its history.
    positive = Review.objects.for_shop(shop).filter(rating=5).order_by("created_at").first()
    if positive is not None:
        services.review_answer(
            review=positive,
            text=_THANKS[
                shop.default_language if shop.default_language in _THANKS else "ru"
            ].format(name=positive.buyer_name),
            user=manager,
            warnings_confirmed=True,
        )


_THANKS = {
    "ru": "Здравствуйте, {name}! Спасибо за отзыв и тёплые слова — очень приятно, что покупка понравилась. Ждём вас снова, хорошего дня!",
    "zh": "{name}，您好！感谢您的评价，很高兴宝贝让您满意。欢迎再次光临，祝您生活愉快！",
}
