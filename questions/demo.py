"""Demo questions and decline rules for both demo shops, and the demo question generator.

Older questions arrive answered or are declined on the spot (so the decisions log and
the Declined tab have content at once); the newest ones go through ``question_create``,
whose task runs on commit, so the worker of ``make demo`` declines the matching ones
visibly a moment after start.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from questions import services
from questions.models import Question, QuestionStatus, RuleKind
from sellerdesk.core.models import Product, ReplyLanguage, Role, Shop
from templates_lib.selectors import shipped_decline_reasons

# (rule name, phrases, exclusions, fuzzy, kind, reason key)
RULES = {
    ReplyLanguage.RU: [
        (
            "Поставщики",
            ["поставщик", "где закупаете", "производитель товара", "оптом где берёте"],
            ["поставщик гарантии"],
            True,
            RuleKind.KEYWORDS,
            "suppliers",
        ),
        (
            "Другие продавцы",
            ["другой продавец", "у конкурентов", "другие продавцы"],
            [],
            True,
            RuleKind.KEYWORDS,
            "other_sellers",
        ),
        (
            "Наличие в магазинах",
            ["в других магазинах", "в магазине вашего города", "в офлайн магазине"],
            [],
            False,
            RuleKind.KEYWORDS,
            "other_stores",
        ),
        ("Брань", [], [], False, RuleKind.PROFANITY, "no_access"),
    ],
    ReplyLanguage.ZH: [
        (
            "供应商",
            ["供应商", "货源", "哪个厂家", "进货"],
            [],
            False,
            RuleKind.KEYWORDS,
            "suppliers",
        ),
        ("其他商家", ["别家", "其他店", "其他商家"], [], False, RuleKind.KEYWORDS, "other_sellers"),
        ("脏话", [], [], False, RuleKind.PROFANITY, "no_access"),
    ],
}

# (product index, buyer, text, answer or None); answered ones are history.
ANSWERED = {
    ReplyLanguage.RU: [
        (
            1,
            "Анна",
            "Можно ли стирать плед в машинке?",
            "Здравствуйте, Анна! Да, плед можно стирать в машинке при 30 °C на деликатном режиме, без отбеливателя. Сушить лучше в расправленном виде. Хорошего дня!",
        ),
        (
            0,
            "Сергей",
            "Какой объём чаши у кофемолки?",
            "Здравствуйте, Сергей! В чашу помещается около 70 г зёрен — это примерно 10 чашек кофе. Приятных покупок!",
        ),
        (
            3,
            "Мария",
            "Подходят ли насадки от других щёток этой фирмы?",
            "Здравствуйте, Мария! Подходят насадки этой же серии, артикулы указаны в описании товара. Обращайтесь, если будут вопросы!",
        ),
        (
            5,
            "Павел",
            "Чайник выключается сам, когда вода закипела?",
            "Здравствуйте, Павел! Да, срабатывает автоотключение при закипании и при снятии с подставки. Хорошего дня!",
        ),
    ],
    ReplyLanguage.ZH: [
        (
            2,
            "小林",
            "牛仔裤洗了会掉色吗",
            "您好！首次洗涤可能有轻微浮色，建议冷水单独手洗，之后就不会了。祝您购物愉快！",
        ),
        (
            0,
            "陈妈妈",
            "卫衣是纯棉的吗？",
            "您好！卫衣面料为95%棉和5%氨纶，柔软透气。祝您生活愉快！",
        ),
        (
            3,
            "李女士",
            "婴儿连体衣是A类标准吗？",
            "您好！是的，本款符合婴幼儿A类标准，详情页有检测报告。欢迎随时咨询！",
        ),
    ],
}

DECLINED_NOW = {
    ReplyLanguage.RU: [
        (0, "Дмитрий", "Скажите честно, кто ваш поставщик и где закупаете кофемолки?"),
        (4, "Екатерина", "У другого продавца такая же кукла дешевле, почему у вас дороже?"),
    ],
    ReplyLanguage.ZH: [
        (1, "王先生", "你们的货源是哪个厂家？想直接去进货"),
        (2, "小张", "别家同款便宜二十块，你们怎么这么贵"),
    ],
}

NEW = {
    ReplyLanguage.RU: [
        (0, "Ирина", "Подскажите, можно ли молоть в этой кофемолке специи, например перец?"),
        (1, "Олег", "Можно стирать плед в машинке?"),
        (2, "Татьяна", "Какая плотность у полотенец? Не жёсткие после стирки?"),
        (3, "Алексей", "Сколько держит заряд щётка при ежедневном использовании?"),
        (4, "Наталья", "Кукла говорит по-русски? Какие батарейки нужны?"),
        (5, "Виктор", "Есть ли этот чайник в других магазинах Казани, хочу посмотреть вживую"),
        (None, "Гость", "Вы там совсем г*вно продаёте, где мой заказ?"),
        (2, "Юлия", "Поставщик полотенец турецкий или российский?"),
        (5, "Роман", "Пахнет ли чайник пластиком при первом кипячении?"),
    ],
    ReplyLanguage.ZH: [
        (0, "赵妈妈", "110码适合身高多少的孩子？"),
        (2, "小周", "请问牛仔裤洗了会掉色吗"),
        (1, "孙女士", "连衣裙有没有内衬？会不会透？"),
        (4, "吴先生", "雨衣的书包位能放多大的书包？"),
        (3, "郑女士", "你们的供应商是哪家工厂"),
        (None, "路人", "你们卖的什么破烂，傻逼"),
    ],
}


def _language(shop: Shop) -> ReplyLanguage:
    return ReplyLanguage.ZH if shop.default_language == ReplyLanguage.ZH else ReplyLanguage.RU


def seed(
    *, shop: Shop, products: list[Product], members: dict[Role, object], rng: random.Random
) -> None:
    language = _language(shop)
    reasons = {reason.key: reason.text for reason in shipped_decline_reasons(language)}
    for name, phrases, exclusions, fuzzy, kind, reason in RULES[language]:
        services.decline_rule_create(
            shop=shop,
            fields={
                "name": name,
                "phrases": phrases,
                "exclusions": exclusions,
                "fuzzy": fuzzy,
                "kind": kind,
                "enabled": True,
                "reply_text": reasons[reason],
            },
        )
    now = timezone.now()
    seller = members[Role.SELLER]

    def product(index: int | None) -> Product | None:
        return products[index] if index is not None and index < len(products) else None

    # History: answered questions. Written directly (demo data, already delivered long ago).
    for index, buyer, text, answer in ANSWERED[language]:
        asked = now - timedelta(days=rng.randint(3, 12), minutes=rng.randint(0, 600))
        Question.objects.create(
            shop=shop,
            product=product(index),
            buyer_name=buyer,
            text=text,
            status=QuestionStatus.ANSWERED,
            answer_text=answer,
            answered_by=seller,
            answered_at=asked + timedelta(hours=rng.randint(1, 20)),
            created_at=asked,
        )
    # Yesterday's questions, declined by the rules right away (the worker would too).
    for index, buyer, text in DECLINED_NOW[language]:
        question = services.question_create(
            shop=shop,
            product=product(index),
            buyer_name=buyer,
            text=text,
            created_at=now - timedelta(hours=rng.randint(20, 30)),
        )
        services.question_autodecline_apply(question_id=question.pk)
    trickle_start(shop=shop)
    # Today's questions: the worker applies the rules after the seed commits.
    for minutes_ago, (index, buyer, text) in zip(
        sorted(rng.sample(range(5, 600), len(NEW[language])), reverse=True),
        NEW[language],
        strict=True,
    ):
        services.question_create(
            shop=shop,
            product=product(index),
            buyer_name=buyer,
            text=text,
            created_at=now - timedelta(minutes=minutes_ago),
        )


# --- Demo generator: a buyer question every minute or so, without Celery beat -------------------

TRICKLE = {
    ReplyLanguage.RU: [
        (0, "Светлана", "А кофемолка подходит для кофе мелкого помола под турку?"),
        (1, "Игнат", "Плед не колется? Брали для ребёнка"),
        (2, "Вера", "Полотенца сильно садятся после стирки?"),
        (3, "Кирилл", "Где закупаете щётки, напрямую у производителя товара?"),
        (4, "Лиза", "У другого продавца кукла поёт песни, а ваша?"),
        (5, "Антон", "Есть ли чайник в офлайн магазине, хочу посмотреть"),
        (5, "Галина", "Какая длина шнура у чайника?"),
        (None, "Гость", "Сколько можно ждать, г*вно а не доставка"),
        (1, "Оксана", "Можно стирать плед в машинке?"),
    ],
    ReplyLanguage.ZH: [
        (0, "小王", "卫衣120码胸围多少？"),
        (1, "小美", "连衣裙会不会缩水？"),
        (2, "阿强", "你们从哪个厂家进货的？"),
        (3, "周妈妈", "连体衣是按扣还是拉链？"),
        (4, "小李", "别家雨衣有反光条，你们的有吗？"),
        (2, "小林", "请问牛仔裤洗了会掉色吗"),
    ],
}


def trickle_interval_seconds() -> int:
    """Seconds between generated questions; 0 turns the generator off.

    On by default only with the demo's filesystem broker (``make demo``), so test runs
    against Redis never start an endless chain; ``QUESTIONS_DEMO_TRICKLE_SECONDS``
    in the settings overrides it.
    """
    return settings.QUESTIONS_DEMO_TRICKLE_SECONDS


def trickle_question_create(*, shop_id: int, step: int) -> Question | None:
    """Bring in the ``step``-th generated question of the demo shop (None when it is gone)."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return None
    pool = TRICKLE[_language(shop)]
    index, buyer, text = pool[step % len(pool)]
    products = list(Product.objects.for_shop(shop).order_by("sku"))
    product = products[index] if index is not None and index < len(products) else None
    return services.question_create(shop=shop, product=product, buyer_name=buyer, text=text)


def trickle_start(*, shop: Shop) -> None:
    interval = trickle_interval_seconds()
    if not interval:
        return
    from questions import tasks

    transaction.on_commit(
        lambda: tasks.demo_question_trickle.apply_async((shop.pk, 0), countdown=interval)
    )
