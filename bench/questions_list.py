"""Questions list and search at scale: p50/p95 of the page a seller opens, in PostgreSQL.

    .venv/bin/python bench/questions_list.py [--questions 100000] [--repeat 40]

Creates a throw-away PostgreSQL database (TEST_DATABASE_URL, as the tests do), fills
one shop with N questions over 300 products (Russian and Chinese, most already
answered or declined, like a shop after a year) and a second shop with N/5, then
requests the real views through Django's test client, as a logged-in seller:
the New tab, the Answered tab, page 200 of Answered (keyset cursor), a word search
(Russian stemming), a SKU search, a Chinese fragment search, and the rules dry run
over the latest 1,000 questions. Wall-clock milliseconds per request.

The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_sd_questions")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

RU_SUBJECTS = [
    "плед",
    "чайник",
    "кофемолка",
    "полотенце",
    "щётка",
    "кукла",
    "подушка",
    "одеяло",
    "кастрюля",
    "сковорода",
]
RU_QUESTIONS = [
    "Подскажите, {s} можно стирать в машинке?",
    "Какой размер у товара {s}, подойдёт ли для большой семьи?",
    "Есть ли гарантия на {s} и сколько она длится?",
    "Почему {s} пришёл без коробки, это нормально?",
    "Из какого материала сделан {s}?",
    "Когда снова будет в наличии {s} серого цвета?",
    "Кто ваш поставщик, где закупаете {s}?",
    "Можно ли вернуть {s}, если не подошёл цвет?",
]
ZH_SUBJECTS = ["卫衣", "连衣裙", "牛仔裤", "连体衣", "雨衣"]
ZH_QUESTIONS = [
    "{s}会起球吗？",
    "{s}洗了会掉色吗",
    "{s}110码适合多高的孩子？",
    "{s}是纯棉的吗？",
    "你们的{s}货源是哪里的",
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def _fill(shop, products, count: int, rng: random.Random) -> None:
    from questions.models import DeclineKind, Question, QuestionStatus

    now = timezone.now()
    batch: list[Question] = []
    for number in range(count):
        product = rng.choice(products)
        if rng.random() < 0.2:
            text = rng.choice(ZH_QUESTIONS).format(s=rng.choice(ZH_SUBJECTS))
        else:
            text = rng.choice(RU_QUESTIONS).format(s=rng.choice(RU_SUBJECTS))
        text = f"{text} (№{number})"
        roll = rng.random()
        status = (
            QuestionStatus.NEW
            if roll < 0.03
            else QuestionStatus.DECLINED
            if roll < 0.15
            else QuestionStatus.ANSWERED
        )
        batch.append(
            Question(
                shop=shop,
                product=product,
                buyer_name="Покупатель",
                text=text,
                status=status,
                decline_kind=DeclineKind.AUTO if status == QuestionStatus.DECLINED else "",
                answer_text="Здравствуйте! Спасибо за вопрос. Хорошего дня!"
                if status != QuestionStatus.NEW
                else "",
                created_at=now - timedelta(minutes=count - number),
            )
        )
        if len(batch) == 5000:
            Question.objects.bulk_create(batch)
            batch = []
    if batch:
        Question.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database afterwards (to EXPLAIN by hand)."
    )
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from questions import services
        from questions.models import QuestionStatus
        from sellerdesk.core.models import Product, Role
        from templates_lib.selectors import shipped_decline_reasons
        from tests.factories import ShopFactory, member

        rng = random.Random(2026)
        shop, other = ShopFactory(name="Bench"), ShopFactory(name="Other")
        seller = member(shop, Role.SELLER, username="bench-seller")
        products = [
            Product.objects.create(shop=shop, sku=f"WB-{100000 + n}", name=f"Товар {n}")
            for n in range(300)
        ]
        other_products = [
            Product.objects.create(shop=other, sku=f"TB-{n}", name=f"商品 {n}") for n in range(30)
        ]
        started = time.perf_counter()
        _fill(shop, products, args.questions, rng)
        _fill(other, other_products, args.questions // 5, rng)
        with connection.cursor() as cursor:
            # What autovacuum does on a live database: statistics and the visibility map
            # (index-only scans for the tab counts).
            cursor.execute("VACUUM ANALYZE questions_question")
            cursor.execute("VACUUM ANALYZE core_product")
        fill_seconds = time.perf_counter() - started
        services.decline_rule_create(
            shop=shop,
            fields={
                "name": "Поставщики",
                "phrases": ["поставщик", "где закупаете", "货源"],
                "exclusions": [],
                "fuzzy": True,
                "kind": "keywords",
                "enabled": True,
                "reply_text": shipped_decline_reasons("ru")[3].text,
            },
        )
        rule_id = shop.decline_rules.get().pk

        client = Client()
        client.force_login(seller)
        manager = member(shop, Role.MANAGER, username="bench-manager")
        manager_client = Client()
        manager_client.force_login(manager)

        def page_url_after(pages: int) -> str:
            url = "/questions/?tab=answered"
            for _ in range(pages):
                body = client.get(url).content.decode()
                marker = body.index('rel="next"')
                start = body.rindex('href="', 0, marker) + 6
                url = "/questions/" + body[start : body.index('"', start)].replace("&amp;", "&")
            return url

        deep = page_url_after(200)
        cases = {
            "new_tab": ("/questions/", client, None),
            "answered_tab": ("/questions/?tab=answered", client, None),
            "answered_page_200": (deep, client, None),
            "search_word_ru": ("/questions/?tab=answered&q=" + "гарантией", client, None),
            "search_sku": ("/questions/?tab=answered&q=WB-100123", client, None),
            "search_zh_fragment": ("/questions/?tab=answered&q=起球", client, None),
            "product_filter": (f"/questions/?tab=answered&product={products[7].pk}", client, None),
            "dry_run_1000": (
                f"/questions/rules/{rule_id}/",
                manager_client,
                {
                    "action": "dry_run",
                    "name": "Поставщики",
                    "phrases": "поставщик\nгарантия",
                    "kind": "keywords",
                    "enabled": "on",
                    "text": "x",
                },
            ),
        }
        figures: dict[str, object] = {
            "questions": args.questions,
            "other_shop_questions": args.questions // 5,
            "fill_seconds": round(fill_seconds, 1),
            "new_questions": shop.questions.filter(status=QuestionStatus.NEW).count(),
        }
        for name, (url, who, post) in cases.items():
            samples = []
            repeat = max(5, args.repeat // 4) if post else args.repeat
            for attempt in range(repeat + 2):
                began = time.perf_counter()
                response = who.post(url, post, HTTP_HX_REQUEST="true") if post else who.get(url)
                elapsed = (time.perf_counter() - began) * 1000
                assert response.status_code == 200, (name, response.status_code)
                if attempt >= 2:  # the first two warm caches (templates, pymorphy3, plans)
                    samples.append(elapsed)
            figures[name] = _percentiles(samples)
            print(
                f"{name:<20} p50 {figures[name]['p50_ms']:>8} ms   p95 {figures[name]['p95_ms']:>8} ms"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN SELECT id FROM questions_question WHERE shop_id = %s AND status = 'answered' "
                "ORDER BY created_at DESC, id DESC LIMIT 26",
                [shop.pk],
            )
            figures["plan_answered_tab"] = " / ".join(
                row[0].strip() for row in cursor.fetchall()[:3]
            )
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if args.keep:
            print(f"kept database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
